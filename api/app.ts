import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ApiConfig } from '../config/api';
import { traceRequest } from '../telemetry/hooks';
import {
  createStaffVerifier,
  hashOrderToken,
  installAuth,
  publicAccess,
  registerSecuritySchemes,
  withoutAccessToken,
} from './auth';
import { corsFor } from './cors';
import { createRateLimiters, installRateLimiters } from './limits';
import type { Logger } from './logger';
import { answerOtherMethods } from './methodNotAllowed';
import { type ApiMetrics, createMetrics } from './metrics';
import { openApiDocument } from './openapi';
import type { ApiPorts } from './ports';
import { notFoundMiddleware, problemMiddleware } from './problem';
import { type RequestContext, runInRequest } from './requestContext';
import type { RouteContext } from './routes/context';
import { customerPageRoutes } from './routes/customerPage';
import { operationsRoutes } from './routes/operations';
import { countOrderOutcomes, orderCommandRoutes } from './routes/orderCommands';
import { orderRoutes } from './routes/orders';
import { privacyRoutes } from './routes/privacy';
import { shopRoutes } from './routes/shop';
import { streamRoutes } from './routes/streams';
import { defineRoute } from './routing';
import { securityHeaders } from './securityHeaders';
import { OpenStreams } from './sse';
import { z } from './zod';

export interface AppDeps {
  config: ApiConfig;
  ports: ApiPorts;
  logger: Logger;
}

export interface ApiApp {
  app: express.Express;
  metrics: ApiMetrics;
  /** Ends every open Server-Sent Events stream (graceful shutdown). */
  closeStreams(): void;
  /** Resolves once no request is in flight (true), or after `timeoutMs` (false). */
  drained(timeoutMs: number): Promise<boolean>;
  openApi(): ReturnType<typeof openApiDocument>;
}

const boardDir = fileURLToPath(new URL('./board/', import.meta.url));

const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;
const isRead = (method: string) => method === 'GET' || method === 'HEAD';

/** Builds the Express app without listening: tests drive it with fakes, bin/api.ts with adapters. */
export function createApp({ config, ports, logger }: AppDeps): ApiApp {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  const metrics = createMetrics(() => ports.health.projectionLag());
  const registry = new OpenAPIRegistry();
  registerSecuritySchemes(registry);
  const router = express.Router();
  const streams = new OpenStreams({ total: config.sseMaxStreams, perClient: config.sseMaxStreamsPerClient });
  const limiters = createRateLimiters(config.rateLimits);
  installRateLimiters(app, limiters);
  const staff = createStaffVerifier(config.auth);
  installAuth(app, {
    verifyStaff: (jwt) => staff.verify(jwt),
    orderOfToken: (token) => ports.orderTokens.orderOf(hashOrderToken(token)),
    knownOrderOfToken: (token) => ports.orderTokens.known?.(hashOrderToken(token)),
    failureLimiter: limiters.authFailures,
  });

  // Correlation id and latency. Label sets repeat (method × route × status): resolve each histogram child once.
  const latencyByLabels = new Map<string, { observe(seconds: number): void }>();
  const observeLatency = (method: string, route: string, status: number, seconds: number) => {
    const key = `${method} ${route} ${status}`;
    let child = latencyByLabels.get(key);
    if (!child) {
      child = metrics.httpDuration.labels({ method, route, status: String(status) });
      latencyByLabels.set(key, child);
    }
    child.observe(seconds);
  };
  let inFlight = 0;
  const idleWaiters = new Set<() => void>();
  const readJson = express.json({
    limit: config.maxBodyBytes,
    strict: true,
    // Compressed request bodies are refused (415) before any byte is read: orders are small.
    inflate: false,
    type: ['application/json', 'application/*+json'],
  });
  const countOrderOutcome = countOrderOutcomes(metrics);
  app.use(securityHeaders);
  if (config.corsOrigins.length > 0) app.use(corsFor(config.corsOrigins));
  // One layer in front of the routes, not four: every layer costs each request a dispatch.
  app.use((req: Request, res: Response, next: NextFunction) => {
    inFlight += 1;
    const started = process.hrtime.bigint();
    const given = req.get('x-request-id');
    const context: RequestContext = { requestId: given && REQUEST_ID.test(given) ? given : randomUUID() };
    res.locals.requestId = context.requestId;
    res.setHeader('X-Request-Id', context.requestId);
    // The request's span (when traced); 'close' fires outside its context, so its ids are kept here.
    const trace = traceRequest(req.method, req.path, req.headers);
    // One listener per request: 'close' comes after 'finish', and also when the client hung up.
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) for (const wake of idleWaiters) wake();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = req.route ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      const status = res.writableFinished ? res.statusCode : 499;
      observeLatency(req.method, route, status, seconds);
      trace?.end(req.route ? route : undefined, status);
      // A successful read is the hot path: its line costs it a tenth of its CPU, so it is debug unless asked for.
      const level = status < 400 && isRead(req.method) && !config.accessLogReads ? 'debug' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      // The ids are passed as fields (what the mixin would add), sparing a context scope per request.
      const ids = {
        correlationId: context.requestId,
        ...(context.orderId ? { orderId: context.orderId } : {}),
        ...trace?.ids,
      };
      logger[level](
        {
          ...ids,
          method: req.method,
          path: withoutAccessToken(req.originalUrl),
          route,
          status,
          ms: seconds * 1000,
        },
        'request completed',
      );
    });
    // Only commands carry bodies; a body on a query is ignored.
    if (req.method !== 'POST') return runInRequest(context, trace, next);
    if (req.path === '/orders') countOrderOutcome(res);
    // The codec server reads its own (larger) bodies, after its CORS and its guard.
    if (req.path.startsWith('/codec/')) return runInRequest(context, trace, next);
    // The context scope starts after the body is read: the body's stream events would run outside it.
    readJson(req, res, (error?: unknown) => runInRequest(context, trace, () => next(error)));
  });

  const context: RouteContext = { router, registry, ports, config, metrics, logger, streams };
  // Hot routes first (the router tries them in order); `/orders/stream` before `/orders/{id}`.
  streamRoutes(context);
  orderRoutes(context);
  orderCommandRoutes(context);
  shopRoutes(context);
  operationsRoutes(context);
  customerPageRoutes(context);
  // TODO(auth merge): requireStaff for the codec outside the embedded default; requireOrderAccess for erase.
  privacyRoutes(context);

  let document: ReturnType<typeof openApiDocument> | undefined;
  const openApi = () => {
    document ??= openApiDocument(registry);
    return document;
  };
  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/openapi.json',
      operationId: 'openApi',
      summary: 'This OpenAPI 3.1 document',
      tags: ['operations'],
      access: publicAccess,
      responses: {
        200: {
          description: 'OpenAPI 3.1',
          content: { 'application/json': { schema: z.object({}).passthrough() } },
        },
      },
    },
    () => ({ status: 200, body: openApi() }),
  );
  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/board',
      operationId: 'board',
      summary: "The order board: open orders and the day's finished ones by status, live over /orders/stream",
      tags: ['board'],
      access: publicAccess,
      responses: { 200: { description: 'the page', content: { 'text/html': { schema: z.string() } } } },
    },
    (_input, _req, res) => {
      res.sendFile('index.html', { root: boardDir });
      return undefined;
    },
  );
  answerOtherMethods(router);
  app.use(router);
  app.use('/board', express.static(boardDir, { index: false, fallthrough: true }));
  app.use(notFoundMiddleware);
  app.use(problemMiddleware(logger));

  const drained = (timeoutMs: number) =>
    new Promise<boolean>((resolve) => {
      if (inFlight === 0) return resolve(true);
      const wake = () => {
        clearTimeout(timer);
        idleWaiters.delete(wake);
        resolve(true);
      };
      const timer = setTimeout(() => {
        idleWaiters.delete(wake);
        resolve(false);
      }, timeoutMs);
      idleWaiters.add(wake);
    });

  return { app, metrics, closeStreams: () => streams.closeAll(), drained, openApi };
}
