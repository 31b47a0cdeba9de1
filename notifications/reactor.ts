import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { type Logger, pino } from 'pino';
import { type OrderPlaced, orderStreamId } from '../domain/events';
import type { EventStore } from '../eventstore';
import { checkpointAfter } from '../eventstore/readAll';
import type { LoggedEvent } from '../eventstore/types';
import { loadCheckpoint, saveCheckpoint } from './checkpoints';
import { recordDeadLetter } from './deadLetters';
import { createDelivery, type DeliveryPolicyOptions } from './delivery';
import { type Lease, tryLease } from './leadership';
import { messageText, type NotificationIntent, notificationFor, recordCustomerNotified } from './messages';
import { createNotificationMetrics, type NotificationMetrics } from './metrics';
import { type NotificationMessage, type NotificationProvider, recipientFor } from './provider';

export interface NotificationReactorOptions {
  pool: pg.Pool;
  store: Pick<EventStore, 'subscribe' | 'append' | 'readStream'>;
  provider: NotificationProvider;
  policy: DeliveryPolicyOptions;
  metrics?: NotificationMetrics;
  log?: Logger;
  /** The checkpoint row and the advisory lock's name (default `customer-notifier`). */
  name?: string;
  /** Who this process is, in the lock connection's application_name (default `<pid>`). */
  instanceId?: string;
  batchSize?: number;
  /** How often a standby tries to take over the lock. */
  standbyPollMs?: number;
  /**
   * Fault injection (config, for crash drills): after this many acknowledged sends in this
   * process, call `crash` right after the ack, before `CustomerNotified` and the checkpoint.
   */
  crashAfterSend?: number;
  /** Default: SIGKILL this very process, the most abrupt exit there is. */
  crash?: () => void;
}

export interface NotificationReactor {
  /** Whether this instance holds the lock and is sending. */
  readonly active: boolean;
  /** Resolves once this instance holds the lock (for tests and start-up logs). */
  readonly activated: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The log is the outbox: a checkpointed reactor that tells customers about their order.
 * Unlike a projection it causes side effects, so it cannot hold a transaction open across a
 * provider call (that would pin the log's xmin for every reader during an outage). Instead:
 * send (idempotency key = event id), then record `CustomerNotified`, then checkpoint. A crash
 * in between re-sends with the same key, which the provider acknowledges without delivering twice.
 */
export function startNotificationReactor(options: NotificationReactorOptions): NotificationReactor {
  const {
    pool,
    store,
    provider,
    name = 'customer-notifier',
    instanceId = String(process.pid),
    batchSize = 100,
    standbyPollMs = 1_000,
    crashAfterSend,
    crash = () => process.kill(process.pid, 'SIGKILL'),
  } = options;
  const metrics = options.metrics ?? createNotificationMetrics();
  const log = options.log ?? pino({ level: 'silent' });
  const delivery = createDelivery(provider, options.policy, metrics);
  const stopping = new AbortController();
  let active = false;
  let acknowledged = 0;
  let markActivated: () => void = () => {};
  const activated = new Promise<void>((resolve) => {
    markActivated = resolve;
  });

  const customerOf = async (orderId: string): Promise<string | undefined> => {
    const events = await store.readStream(orderStreamId(orderId));
    const placed = events.find((event) => event.type === 'OrderPlaced');
    return (placed?.data as OrderPlaced['data'] | undefined)?.customer;
  };

  const notify = async (lease: Lease, intent: NotificationIntent, signal: AbortSignal): Promise<void> => {
    const customer = await customerOf(intent.orderId);
    const message: NotificationMessage = {
      idempotencyKey: intent.eventId,
      to: customer ? recipientFor(customer) : '',
      orderId: intent.orderId,
      kind: intent.kind,
      message: messageText(intent, customer ?? 'there'),
    };
    const deadLetter = async (reason: string) => {
      await recordDeadLetter(lease.client, intent, message, reason);
      metrics.deadLettered.inc({ kind: intent.kind });
    };
    if (!customer) return deadLetter(`no OrderPlaced in ${orderStreamId(intent.orderId)}`);
    const outcome = await delivery.deliver(message, signal);
    if ('refused' in outcome) {
      await deadLetter(`${outcome.refused.code}: ${outcome.refused.message}`);
      log.warn(
        { orderId: intent.orderId, eventId: intent.eventId, reason: outcome.refused.code },
        'dead-lettered',
      );
      return;
    }
    acknowledged += 1;
    if (crashAfterSend !== undefined && acknowledged >= crashAfterSend) {
      log.warn(
        { orderId: intent.orderId, acknowledged },
        'NOTIFIER_CRASH_AFTER_SEND reached: crashing before checkpoint',
      );
      crash();
    }
    if (!(await recordCustomerNotified(store, intent, outcome.ack.acceptedAt)))
      log.warn({ orderId: intent.orderId, eventId: intent.eventId }, 'CustomerNotified already recorded');
    metrics.sent.inc({ kind: intent.kind });
    log.info(
      { orderId: intent.orderId, kind: intent.kind, duplicate: outcome.ack.duplicate },
      'customer notified',
    );
  };

  const handleBatch = async (lease: Lease, events: LoggedEvent[], signal: AbortSignal): Promise<void> => {
    let unsaved: LoggedEvent | undefined;
    for (const event of events) {
      signal.throwIfAborted();
      const intent = notificationFor(event);
      if (!intent) {
        unsaved = event;
        continue;
      }
      await notify(lease, intent, signal);
      // Only now, acknowledged or dead-lettered, may the reactor move past this event.
      await saveCheckpoint(lease.client, name, checkpointAfter(event));
      unsaved = undefined;
    }
    if (unsaved) await saveCheckpoint(lease.client, name, checkpointAfter(unsaved));
  };

  const lead = async (lease: Lease): Promise<void> => {
    const signal = AbortSignal.any([stopping.signal, lease.lost]);
    const after = await loadCheckpoint(lease.client, name);
    log.info({ after }, 'notification reactor active');
    const subscription = store.subscribe({
      after,
      batchSize,
      handle: (events) => handleBatch(lease, events, signal),
      onError: (error, { willRetry }) => {
        if (!signal.aborted) log.error({ err: error, willRetry }, 'notification reactor error');
      },
    });
    const ended = new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    const end = await Promise.race([subscription.done, ended.then(() => undefined)]);
    await subscription.stop();
    if (end?.reason === 'failed' && !signal.aborted) throw end.error;
  };

  const run = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      let lease: Lease | undefined;
      try {
        lease = await tryLease(pool, name, instanceId);
        if (!lease) {
          await sleep(standbyPollMs, undefined, { signal: stopping.signal }).catch(() => {});
          continue;
        }
        active = true;
        metrics.active.set(1);
        markActivated();
        await lead(lease);
      } catch (error) {
        if (stopping.signal.aborted) break;
        log.error({ err: error }, 'notification reactor failed; retrying');
        await sleep(standbyPollMs, undefined, { signal: stopping.signal }).catch(() => {});
      } finally {
        if (lease) {
          active = false;
          metrics.active.set(0);
          await lease.release();
        }
      }
    }
  };

  const running = run();
  return {
    get active() {
      return active;
    },
    activated,
    async stop() {
      stopping.abort(new Error('notification reactor stopping'));
      await running;
    },
  };
}
