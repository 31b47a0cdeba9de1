import { publicAccess, staffAccess } from '../auth';
import { defineRoute } from '../routing';
import { Health, Readiness } from '../schemas';
import { z } from '../zod';
import { jsonResponse, type RouteContext } from './context';

const CHECK_TIMEOUT_MS = 2_000;

async function check<T>(
  run: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    return { ok: true, value: await Promise.race([run(), timeout]) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Liveness, readiness, metrics: what an orchestrator and Prometheus ask. */
export function operationsRoutes({ router, registry, ports, config, metrics, logger }: RouteContext): void {
  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/healthz',
      operationId: 'healthz',
      summary: 'Liveness: the process answers',
      tags: ['operations'],
      access: publicAccess,
      responses: { 200: jsonResponse(Health, 'alive') },
    },
    () => ({ status: 200, body: { status: 'ok' } }),
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/readyz',
      operationId: 'readyz',
      summary:
        'Readiness: Postgres and Temporal answer (503 otherwise); projections far behind report `degraded` with 200 (details in the log)',
      tags: ['operations'],
      access: publicAccess,
      responses: {
        200: jsonResponse(Readiness, 'ready, or degraded (the read models lag; orders are still taken)'),
        503: jsonResponse(Readiness, 'not ready (the log says which check failed)'),
      },
    },
    async () => {
      const [postgres, temporal, lag] = await Promise.all([
        check(() => ports.health.postgres()),
        check(() => ports.health.temporal()),
        check(() => ports.health.projectionLag()),
      ]);
      const lagOk = lag.ok && lag.value <= config.maxProjectionLag;
      const projectionLag = {
        ok: lagOk,
        lag: lag.ok ? lag.value : null,
        max: config.maxProjectionLag,
        ...(lag.ok ? (lagOk ? {} : { error: 'projections are behind' }) : { error: lag.error }),
      };
      // A lagging projection must not take order placement out of the load balancer: only the
      // dependencies every command needs decide readiness; lag is reported as degraded.
      const ready = postgres.ok && temporal.ok;
      // The answer is public: which dependency failed, and why, goes to the log only.
      if (!ready || !lagOk) {
        const failed = (c: { ok: boolean; error?: string }) => (c.ok ? undefined : c.error);
        const details = { postgres: failed(postgres), temporal: failed(temporal), projectionLag };
        logger.warn(details, ready ? 'degraded' : 'not ready');
      }
      if (!ready) return { status: 503, body: { status: 'not_ready' } };
      if (!lagOk) return { status: 200, body: { status: 'degraded', degraded: ['projectionLag'] } };
      return { status: 200, body: { status: 'ready' } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      summary:
        'Prometheus metrics (HTTP latency by route and status, orders by outcome, projection lag); manager only',
      tags: ['operations'],
      access: staffAccess(['manager']),
      responses: {
        200: {
          description: 'Prometheus text exposition format',
          content: { 'text/plain': { schema: z.string() } },
        },
      },
    },
    async (_input, _req, res) => {
      const text = await metrics.registry.metrics();
      res.status(200).type(metrics.registry.contentType).send(text);
      return undefined;
    },
  );
}
