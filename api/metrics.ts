import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { shopRegistry } from '../telemetry/shopMetrics';

export type OrderOutcome = 'placed' | 'replayed' | 'invalid' | 'idempotency_conflict' | 'busy' | 'failed';
export type CommandOutcome = 'accepted' | 'not_found' | 'refused' | 'failed';

export interface ApiMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  orders: Counter<'outcome'>;
  commands: Counter<'command' | 'outcome'>;
  sseClients: Gauge<'stream'>;
  /** Streams refused over the caps, and slow readers dropped. */
  sseRefused: Counter<'reason'>;
}

/** One registry per app, so tests and several apps in one process never share counters. */
export function createMetrics(projectionLag: () => Promise<number>): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const orders = new Counter({
    name: 'brew_orders_total',
    help: 'POST /orders by outcome (placed, replayed, invalid, idempotency_conflict, busy: refused by admission control, failed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const commands = new Counter({
    name: 'brew_order_commands_total',
    help: 'cancel and pickup commands by outcome',
    labelNames: ['command', 'outcome'] as const,
    registers: [registry],
  });
  const sseClients = new Gauge({
    name: 'brew_sse_clients',
    help: 'open Server-Sent Event streams',
    labelNames: ['stream'] as const,
    registers: [registry],
  });
  const sseRefused = new Counter({
    name: 'brew_sse_refused_total',
    help: 'Server-Sent Event streams refused (over a cap) or dropped (slow reader), by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'brew_projection_lag_events',
    help: 'log positions the slowest projection is behind the head of the log (-1: unknown)',
    registers: [registry],
    async collect() {
      try {
        this.set(await projectionLag());
      } catch {
        this.set(-1);
      }
    },
  });
  // The shop's metrics (telemetry/shopMetrics.ts) are served beside the API's own.
  return {
    registry: Registry.merge([registry, shopRegistry]),
    httpDuration,
    orders,
    commands,
    sseClients,
    sseRefused,
  };
}
