import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { OrderNotFound } from '../errors';
import { admittedRoles, type Caller, type StaffRole } from './caller';
import { challengeFor, Forbidden, Unauthenticated } from './errors';
import { ORDER_TOKEN_SHAPE } from './orderTokens';
import type { StaffIdentity } from './staffTokens';

/** What the guards need, installed once per app (`installAuth`) so any route file can use them. */
export interface AuthDeps {
  verifyStaff(jwt: string): Promise<StaffIdentity>;
  /** The order whose token this is, or null. */
  orderOfToken(token: string): Promise<string | null>;
  /** The order of a token this process verified before and still remembers (no I/O), else undefined. */
  knownOrderOfToken?(token: string): string | undefined;
  /** Counts failed sign-ins per client; answers 429 once over the limit. */
  failureLimiter: RequestHandler;
}

const AUTH = 'brewSagaAuth';

export function installAuth(app: Express, deps: AuthDeps): void {
  app.locals[AUTH] = deps;
}

function authOf(req: Request): AuthDeps {
  const deps = req.app.locals[AUTH] as AuthDeps | undefined;
  if (!deps) throw new Error('installAuth() was not called on this app');
  return deps;
}

/** A URL as it may be logged or echoed: a bearer token in `?access_token=` is blanked. */
export const withoutAccessToken = (url: string): string =>
  url.replace(/([?&]access_token=)[^&#]*/gi, '$1[redacted]');

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** `Authorization: Bearer …`, or `?access_token=` where a browser cannot set headers (EventSource). */
function credentialOf(req: Request, allowQueryToken: boolean): string | undefined {
  const header = req.get('authorization');
  if (header !== undefined) {
    const match = /^Bearer +([^\s]+) *$/i.exec(header);
    if (!match) throw new Unauthenticated('invalid', 'use `Authorization: Bearer <token>`');
    return match[1];
  }
  const query = allowQueryToken ? req.query.access_token : undefined;
  return typeof query === 'string' && query !== '' ? query : undefined;
}

async function staffIn(auth: AuthDeps, credential: string, roles: readonly StaffRole[]): Promise<Caller> {
  const staff = await auth.verifyStaff(credential);
  const admitted = admittedRoles(roles);
  if (!staff.roles.some((role) => admitted.includes(role)))
    throw new Forbidden(`this needs the role ${admitted.join(' or ')}`);
  return { kind: 'staff', subject: staff.subject, roles: staff.roles };
}

/**
 * Runs the check behind the failed sign-in limiter; puts the caller on `res.locals.caller`.
 * `known` admits at once a credential already verified (no guess, so nothing for the limiter to count).
 */
function guard(
  check: (req: Request, auth: AuthDeps) => Promise<Caller>,
  known?: (req: Request, auth: AuthDeps) => Caller | undefined,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const auth = authOf(req);
    const admitted = known?.(req, auth);
    if (admitted) {
      res.locals.caller = admitted;
      return next();
    }
    auth.failureLimiter(req, res, (limited?: unknown) => {
      if (limited) return next(limited);
      check(req, auth).then(
        (caller) => {
          res.locals.caller = caller;
          next();
        },
        (error: unknown) => {
          if (error instanceof Unauthenticated) res.setHeader('WWW-Authenticate', challengeFor(error));
          next(error);
        },
      );
    });
  };
}

/** Staff only: a JWT with one of `roles` (a manager is admitted wherever a barista is). */
export function requireStaff(
  roles: StaffRole[],
  options: { allowQueryToken?: boolean } = {},
): RequestHandler {
  return guard(async (req, auth) => {
    const credential = credentialOf(req, options.allowQueryToken ?? false);
    if (!credential) throw new Unauthenticated('missing', 'a staff token is required');
    if (JWT_SHAPE.test(credential)) return staffIn(auth, credential, roles);
    if (ORDER_TOKEN_SHAPE.test(credential) && (await auth.orderOfToken(credential)))
      throw new Forbidden('an order token cannot do this: it needs a staff token');
    throw new Unauthenticated('invalid', 'the token is not valid');
  });
}

/**
 * The order named by `:id`: its own order token, or a staff JWT with one of `staffRoles`.
 * Another order's token answers 404, exactly as for an order that does not exist.
 */
export function requireOrderAccess(options: {
  staffRoles: StaffRole[];
  allowQueryToken?: boolean;
}): RequestHandler {
  return guard(async (req, auth) => {
    const credential = credentialOf(req, options.allowQueryToken ?? false);
    if (!credential) throw new Unauthenticated('missing', "this order's token or a staff token is required");
    if (JWT_SHAPE.test(credential)) return staffIn(auth, credential, options.staffRoles);
    const orderId = ORDER_TOKEN_SHAPE.test(credential) ? await auth.orderOfToken(credential) : null;
    if (!orderId) throw new Unauthenticated('invalid', 'the token is not valid');
    const asked = String(req.params.id);
    if (orderId !== asked) throw new OrderNotFound(asked);
    return { kind: 'customer', orderId };
  }, knownCustomer);
}

/** This order's own token, verified before: the customer, without I/O; anything else takes the full check. */
function knownCustomer(req: Request, auth: AuthDeps): Caller | undefined {
  const header = req.headers.authorization;
  if (!auth.knownOrderOfToken || header === undefined || !header.startsWith('Bearer ')) return undefined;
  const token = header.slice(7);
  if (!ORDER_TOKEN_SHAPE.test(token)) return undefined;
  const orderId = auth.knownOrderOfToken(token);
  return orderId !== undefined && orderId === req.params.id ? { kind: 'customer', orderId } : undefined;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * The embedded default's codec server: a caller on this machine with no credential (the local
 * Web UI, the CLI) passes; anyone else meets `otherwise`. Never behind a proxy: there every
 * client looks local, so `npm start` alone switches it on.
 */
export function loopbackOrElse(otherwise: RequestHandler): RequestHandler {
  return (req, res, next) => {
    if (req.get('authorization') === undefined && LOOPBACK.has(req.socket.remoteAddress ?? '')) return next();
    otherwise(req, res, next);
  };
}
