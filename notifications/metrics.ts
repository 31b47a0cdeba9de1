import { Counter, Gauge, Registry } from 'prom-client';
import type { NotificationKind } from './provider';

const NOTIFICATION_KINDS: readonly NotificationKind[] = ['ready', 'abandoned', 'refunded'];

/** Breaker state as a number, for a gauge: 0 closed, 1 half-open (probing), 2 open. */
export const BREAKER_STATE = { closed: 0, halfOpen: 1, open: 2 } as const;

export interface NotificationMetrics {
  registry: Registry;
  /** Messages the provider acknowledged, by kind (`ready`, `abandoned`, `refunded`). */
  sent: Counter<'kind'>;
  /** Provider calls beyond a message's first attempt (retries and half-open probes). */
  retried: Counter<'kind'>;
  /** Messages refused for good and parked in `notification_dead_letters`. */
  deadLettered: Counter<'kind'>;
  breakerState: Gauge;
  /** 1 while this process holds the reactor's lock and sends, 0 on standby. */
  active: Gauge;
}

/** Metrics on their own registry, so a process can serve them alone or merge them into another. */
export function createNotificationMetrics(registry: Registry = new Registry()): NotificationMetrics {
  const metrics: NotificationMetrics = {
    registry,
    sent: new Counter({
      name: 'brew_notifications_sent_total',
      help: 'Customer notifications acknowledged by the provider',
      labelNames: ['kind'],
      registers: [registry],
    }),
    retried: new Counter({
      name: 'brew_notifications_retried_total',
      help: 'Provider calls beyond the first for a notification (retries and breaker probes)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'brew_notifications_dead_lettered_total',
      help: 'Notifications refused for good and written to notification_dead_letters',
      labelNames: ['kind'],
      registers: [registry],
    }),
    breakerState: new Gauge({
      name: 'brew_notifications_breaker_state',
      help: 'Notification provider circuit breaker: 0 closed, 1 half-open, 2 open',
      registers: [registry],
    }),
    active: new Gauge({
      name: 'brew_notifications_reactor_active',
      help: '1 while this process is the active notification reactor (holds the advisory lock)',
      registers: [registry],
    }),
  };
  // Every series exists from the start at 0, so dashboards and rate() see the first increment.
  for (const kind of NOTIFICATION_KINDS)
    for (const counter of [metrics.sent, metrics.retried, metrics.deadLettered]) counter.inc({ kind }, 0);
  return metrics;
}

/** This process's notification metrics: `notificationsRegistry` can be merged into an API's registry. */
export const notificationMetrics = createNotificationMetrics();
export const notificationsRegistry = notificationMetrics.registry;
