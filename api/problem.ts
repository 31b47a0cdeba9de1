import type { NextFunction, Request, Response } from 'express';
import { isStatementTimeout, isTransientDatabaseError } from '../postgres';
import { Forbidden, Unauthenticated, withoutAccessToken } from './auth';
import {
  CommandRefused,
  DependencyUnavailable,
  type FieldIssue,
  IdempotencyKeyReused,
  InvalidRequest,
  OrderNotFound,
  PlacementsBusy,
  SagaCatchingUp,
} from './errors';
import type { Logger } from './logger';
import { currentRequestId } from './requestContext';

/** RFC 9457 problem details. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  correlationId?: string;
  errors?: FieldIssue[];
  [extension: string]: unknown;
}

export const problemType = (slug: string) => `urn:brew-saga:problem:${slug}`;

export function sendProblem(
  res: Response,
  problem: ProblemDetails,
  headers: Record<string, string> = {},
): void {
  const requestId = currentRequestId() ?? (res.locals.requestId as string | undefined);
  const body: ProblemDetails = {
    ...problem,
    instance: problem.instance ?? withoutAccessToken(res.req.originalUrl),
    ...(requestId ? { correlationId: requestId } : {}),
  };
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(body));
}

/** body-parser and http-errors failures: a 4xx `status`, sometimes a `type` (zlib's have none). */
interface ClientHttpError {
  type?: string;
  status: number;
  message: string;
}
const isClientHttpError = (error: unknown): error is ClientHttpError =>
  typeof error === 'object' &&
  error !== null &&
  'status' in error &&
  typeof error.status === 'number' &&
  error.status >= 400 &&
  error.status < 500;

/** Maps what went wrong to an HTTP answer; only what nobody foresaw becomes a 500. */
export function toProblem(error: unknown): ProblemDetails {
  if (error instanceof InvalidRequest) {
    return {
      type: problemType('invalid-request'),
      title: 'The request is invalid',
      status: 400,
      detail: error.message,
      errors: error.issues,
    };
  }
  if (error instanceof OrderNotFound) {
    return {
      type: problemType('order-not-found'),
      title: 'No such order',
      status: 404,
      detail: error.message,
      orderId: error.orderId,
    };
  }
  if (error instanceof Unauthenticated) {
    return {
      type: problemType(error.reason === 'missing' ? 'unauthenticated' : 'invalid-token'),
      title: error.reason === 'missing' ? 'Authentication required' : 'The token is not valid',
      status: 401,
      detail: error.message,
    };
  }
  if (error instanceof Forbidden) {
    return { type: problemType('forbidden'), title: 'Not allowed', status: 403, detail: error.message };
  }
  if (error instanceof CommandRefused) {
    return {
      type: problemType('command-refused'),
      title: 'The order cannot do that now',
      status: 409,
      detail: error.message,
      orderId: error.orderId,
      ...(error.currentStatus ? { currentStatus: error.currentStatus } : {}),
    };
  }
  if (error instanceof IdempotencyKeyReused) {
    return {
      type: problemType('idempotency-key-reused'),
      title: 'Idempotency-Key reused with another request',
      status: 422,
      detail: error.message,
      orderId: error.orderId,
    };
  }
  if (error instanceof DependencyUnavailable) {
    return {
      type: problemType('dependency-unavailable'),
      title: `${error.dependency} is unavailable`,
      status: 503,
      detail: error.message,
    };
  }
  if (error instanceof SagaCatchingUp) {
    return {
      type: problemType('saga-catching-up'),
      title: "The order's saga is catching up with its log",
      status: 503,
      detail: error.message,
      orderId: error.orderId,
      currentStatus: error.logStatus,
    };
  }
  if (error instanceof PlacementsBusy) {
    return {
      type: problemType('placements-busy'),
      title: 'Too many orders are being placed right now',
      status: 503,
      detail: error.message,
    };
  }
  if (isStatementTimeout(error)) {
    return {
      type: problemType('dependency-unavailable'),
      title: 'Postgres did not answer in time',
      status: 503,
      detail: 'a statement ran past its timeout; try again shortly',
    };
  }
  if (isTransientDatabaseError(error)) {
    return {
      type: problemType('dependency-unavailable'),
      title: 'A backing service is unavailable',
      status: 503,
      detail: 'try again shortly',
    };
  }
  if (isClientHttpError(error)) {
    if (error.type === 'entity.too.large') {
      return { type: problemType('body-too-large'), title: 'Request body too large', status: 413 };
    }
    if (error.type === 'entity.parse.failed') {
      return {
        type: problemType('invalid-request'),
        title: 'The request is invalid',
        status: 400,
        detail: 'the body is not valid JSON',
        errors: [{ location: 'body', pointer: '', message: 'malformed JSON', code: 'invalid_json' }],
      };
    }
    return {
      type: problemType('unreadable-body'),
      title: 'The request body cannot be read',
      status: error.status,
      detail: error.message,
    };
  }
  if (error instanceof URIError) {
    // The router could not percent-decode a path parameter (e.g. `/orders/%E0%A4%A`).
    return {
      type: problemType('invalid-request'),
      title: 'The request is invalid',
      status: 400,
      detail: 'the URL is not validly percent-encoded',
      errors: [
        { location: 'path', pointer: '', message: 'malformed percent-encoding', code: 'invalid_path' },
      ],
    };
  }
  return { type: problemType('internal'), title: 'Internal error', status: 500 };
}

export function problemMiddleware(logger: Logger) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const problem = toProblem(error);
    // An error raised before the request's context was entered (at the door): name it explicitly.
    const log = currentRequestId() ? logger : logger.child({ correlationId: res.locals.requestId });
    // A refusal at the door is the server protecting itself, not a failure.
    if (error instanceof PlacementsBusy) log.info({ inFlight: error.inFlight }, 'placement refused: busy');
    else if (problem.status >= 500) log.error({ err: error }, 'request failed');
    else log.info({ problem: problem.type, status: problem.status }, 'request refused');
    if (res.headersSent) {
      res.end();
      return;
    }
    // A placement's admission control (api/admission.ts) knows better than one second.
    const retryAfter = String(res.locals.retryAfterSeconds ?? 1);
    sendProblem(res, problem, problem.status === 503 ? { 'Retry-After': retryAfter } : {});
  };
}

export function notFoundMiddleware(req: Request, res: Response) {
  sendProblem(res, {
    type: problemType('not-found'),
    title: 'Not found',
    status: 404,
    detail: `no route for ${req.method} ${req.path}`,
  });
}
