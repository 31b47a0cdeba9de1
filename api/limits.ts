import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { ApiConfig } from '../config/api';
import { countRateLimitRefusal } from '../telemetry/shopMetrics';
import { problemType, sendProblem } from './problem';

export type RateLimitedDoor = 'orders' | 'commands' | 'authFailures';
export type RateLimiters = Record<RateLimitedDoor, RequestHandler>;

const WHAT: Record<RateLimitedDoor, string> = {
  orders: 'orders placed',
  commands: 'order commands',
  authFailures: 'failed sign-ins',
};

/**
 * Per-client limits (by IP; set API_TRUST_PROXY behind a load balancer), counted in this process:
 * over the limit, 429 problem details with `Retry-After` and the `RateLimit` headers.
 */
export function createRateLimiters(limits: ApiConfig['rateLimits']): RateLimiters {
  const limiter = (door: RateLimitedDoor, limit: number, onlyFailures = false) =>
    rateLimit({
      windowMs: limits.windowMs,
      limit,
      identifier: door,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      // Failed sign-ins: every guarded request counts until it is known not to be a 401.
      ...(onlyFailures
        ? { skipSuccessfulRequests: true, requestWasSuccessful: (_req, res) => res.statusCode !== 401 }
        : {}),
      handler: (_req, res, _next, options) => {
        countRateLimitRefusal(door);
        const retryAfter = res.getHeader('Retry-After') ?? String(Math.ceil(options.windowMs / 1000));
        sendProblem(
          res,
          {
            type: problemType('rate-limited'),
            title: 'Too many requests',
            status: 429,
            detail: `too many ${WHAT[door]} from this client; try again later`,
          },
          { 'Retry-After': String(retryAfter) },
        );
      },
    });
  return {
    orders: limiter('orders', limits.orders),
    commands: limiter('commands', limits.commands),
    authFailures: limiter('authFailures', limits.authFailures, true),
  };
}

const LIMITERS = 'brewSagaRateLimiters';

export function installRateLimiters(app: Express, limiters: RateLimiters): void {
  app.locals[LIMITERS] = limiters;
}

/** A route's limiter, looked up per request: route files are written before the app installs it. */
export const limitedBy =
  (door: RateLimitedDoor): RequestHandler =>
  (req: Request, res: Response, next: NextFunction) => {
    const limiters = req.app.locals[LIMITERS] as RateLimiters | undefined;
    if (!limiters) return next(new Error('installRateLimiters() was not called on this app'));
    return limiters[door](req, res, next);
  };
