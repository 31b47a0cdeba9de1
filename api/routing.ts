import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { accessResponses, guardFor, type RouteAccess, securityOf } from './auth';
import { limitedBy } from './limits';
import { recordMethod } from './methodNotAllowed';
import { Problem } from './schemas';
import { parseRequestPart } from './validation';

/** A JSON answer; a handler that streams or sets headers itself returns nothing. */
export interface Reply {
  status: number;
  body?: unknown;
  /** The body already serialized as JSON (a hot read answered many times from one serialization). */
  json?: string | Buffer;
  headers?: Record<string, string>;
}

type AnyObject = z.ZodObject;

export interface RouteSpec<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI style: `/orders/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  /** Who may call it (api/auth): checked before the handler runs, and documented. */
  access: RouteAccess;
  /** A per-client rate limit (api/limits.ts) in front of it. */
  rateLimit?: 'orders' | 'commands';
  params?: P;
  query?: Q;
  body?: B;
  /** A body may be left out entirely (then it parses as `{}`). */
  bodyOptional?: boolean;
  /** A route's own body reader (instead of the API's small JSON one): it runs after the access guard. */
  readBody?: RequestHandler;
  /** Request headers (lower-case names), validated before the handler runs and documented. */
  headers?: AnyObject;
  responses: Record<number, ResponseConfig>;
}

export interface RouteInput<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> {
  params: z.infer<P>;
  query: z.infer<Q>;
  body: z.infer<B>;
  /** The declared headers, parsed; an optional one left out is absent. */
  headers: Record<string, unknown>;
}

export type RouteHandler<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> = (
  input: RouteInput<P, Q, B>,
  req: Request,
  res: Response,
) => Promise<Reply | undefined> | Reply | undefined;

const expressPath = (openApiPath: string) => openApiPath.replace(/\{(\w+)\}/g, ':$1');

/** `idempotency-key` → `Idempotency-Key`, as problem details name a header. */
const headerName = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_m, dash, c: string) => dash + c.toUpperCase());

/** Each declared header by itself, so a problem names the header that is missing or wrong. */
function parseHeaders(schema: AnyObject, req: Request): Record<string, unknown> {
  const parsed: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const value = req.get(name);
    if (value === undefined && field.safeParse(undefined).success) continue;
    parsed[name] = parseRequestPart(field, value, 'header', headerName(name));
  }
  return parsed;
}

/** What a route that reads input may answer when the input does not parse. */
const invalidInput = (spec: RouteSpec<AnyObject, AnyObject, z.ZodType>): ResponseConfig | undefined => {
  const parts = [
    spec.params && 'path',
    spec.query && 'query',
    spec.headers && 'header',
    spec.body && 'body',
  ].filter(Boolean);
  if (parts.length === 0) return undefined;
  return {
    description: `invalid ${parts.join(', ')} (each field that is wrong in \`errors\`)`,
    content: { 'application/problem+json': { schema: Problem } },
  };
};

const isEmptyBody = (body: unknown) =>
  body === undefined || (typeof body === 'object' && body !== null && Object.keys(body).length === 0);

/**
 * Registers a route on the router and its description in the OpenAPI registry from the same
 * schemas, so what is validated is exactly what is documented.
 */
export function defineRoute<
  P extends AnyObject = AnyObject,
  Q extends AnyObject = AnyObject,
  B extends z.ZodType = z.ZodType,
>(router: Router, registry: OpenAPIRegistry, spec: RouteSpec<P, Q, B>, handler: RouteHandler<P, Q, B>): void {
  const invalid = invalidInput(spec as RouteSpec<AnyObject, AnyObject, z.ZodType>);
  registry.registerPath({
    method: spec.method,
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    tags: spec.tags,
    request: {
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.query ? { query: spec.query } : {}),
      ...(spec.headers ? { headers: spec.headers } : {}),
      ...(spec.body
        ? {
            body: {
              required: !spec.bodyOptional,
              content: { 'application/json': { schema: spec.body } },
            },
          }
        : {}),
    },
    security: securityOf(spec.access),
    responses: {
      ...(invalid ? { 400: invalid } : {}),
      ...accessResponses(spec.access),
      ...(spec.rateLimit
        ? {
            429: {
              description: 'too many requests from this client (`Retry-After`, `RateLimit` headers)',
              content: { 'application/problem+json': { schema: Problem } },
            },
          }
        : {}),
      ...spec.responses,
    },
  });
  const doors: RequestHandler[] = [];
  if (spec.rateLimit) doors.push(limitedBy(spec.rateLimit));
  const guard = guardFor(spec.access);
  if (guard) doors.push(guard);
  // A caller who may not call the route gets its 401/403 before any byte of a large body is parsed.
  if (spec.readBody) doors.push(spec.readBody);

  // Most requests carry no query string: its parse is the same every time, so it is done once.
  const noQuery = spec.query ? spec.query.safeParse({}) : undefined;
  recordMethod(router, expressPath(spec.path), spec.method);
  router[spec.method](expressPath(spec.path), ...doors, (req: Request, res: Response, next: NextFunction) => {
    const params = spec.params ? parseRequestPart(spec.params, req.params, 'path') : {};
    let query: unknown = {};
    if (spec.query)
      query =
        noQuery?.success && !req.url.includes('?')
          ? { ...noQuery.data }
          : parseRequestPart(spec.query, { ...req.query }, 'query');
    const headers = spec.headers ? parseHeaders(spec.headers, req) : {};
    let body: unknown;
    if (spec.body) {
      const raw = spec.bodyOptional && isEmptyBody(req.body) ? {} : req.body;
      body = parseRequestPart(spec.body, raw, 'body');
    }
    const reply = handler({ params, query, headers, body } as RouteInput<P, Q, B>, req, res);
    // A reply at hand (a cached read) is sent at once; Express catches what a promise rejects with.
    if (reply instanceof Promise) return reply.then((answer) => send(answer, res, next));
    send(reply, res, next);
  });
}

const JSON_TYPE = 'application/json; charset=utf-8';

function send(reply: Reply | undefined, res: Response, next: NextFunction): void {
  if (!reply) return;
  if (res.headersSent) {
    next();
    return;
  }
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.json !== undefined) {
    res.setHeader('Content-Type', JSON_TYPE);
    res.status(reply.status).send(reply.json);
  } else if (reply.body === undefined) res.status(reply.status).end();
  else res.status(reply.status).json(reply.body);
}
