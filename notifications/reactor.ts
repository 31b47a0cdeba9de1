import type pg from 'pg';
import { type Logger, pino } from 'pino';
import { orderStreamId } from '../domain/events';
import { createLogWatcher, type EventStore } from '../eventstore';
import { dedicatedConnection, type LeaseTiming, reactorMode, runConsumer } from '../eventstore/consumers';
import { notificationCheckpoints } from './checkpoints';
import { type CustomerNames, firstKnown, namesInTheLog } from './customerNames';
import { recordDeadLetter } from './deadLetters';
import { createDelivery, type DeliveryPolicyOptions } from './delivery';
import { messageText, type NotificationIntent, notificationFor, recordCustomerNotified } from './messages';
import { createNotificationMetrics, type NotificationMetrics } from './metrics';
import { type NotificationMessage, type NotificationProvider, recipientFor } from './provider';

export interface NotificationReactorOptions {
  pool: pg.Pool;
  store: Pick<EventStore, 'append' | 'readStream'>;
  provider: NotificationProvider;
  policy: DeliveryPolicyOptions;
  /** The vault's names (see customerNames.ts); orders placed before the vault name the customer in the log. */
  names?: CustomerNames;
  metrics?: NotificationMetrics;
  log?: Logger;
  /** The checkpoint row and the advisory lock's name (default `customer-notifier`). */
  name?: string;
  /** Who this process is, in the lock connection's application_name (default `<pid>`). */
  instanceId?: string;
  batchSize?: number;
  /** Fallback polling of the log when no notification comes (default 500 ms). */
  pollIntervalMs?: number;
  /** How often a standby tries to take over the lock. */
  standbyPollMs?: number;
  /** Heartbeat and eviction of a silent holder (DEFAULT_LEASE_TIMING). */
  lease?: Partial<LeaseTiming>;
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
 * The log is the outbox: a consumer in reactor mode that tells customers about their order.
 * Send (idempotency key = event id), then record `CustomerNotified`, then the runtime moves the
 * checkpoint. A crash in between re-sends with the same key, which the provider acknowledges
 * without delivering twice.
 */
export function startNotificationReactor(options: NotificationReactorOptions): NotificationReactor {
  const {
    pool,
    store,
    provider,
    name = 'customer-notifier',
    instanceId = String(process.pid),
    crashAfterSend,
    crash = () => process.kill(process.pid, 'SIGKILL'),
  } = options;
  const metrics = options.metrics ?? createNotificationMetrics();
  const log = options.log ?? pino({ level: 'silent' });
  const delivery = createDelivery(provider, options.policy, metrics);
  let acknowledged = 0;
  let markActivated: () => void = () => {};
  const activated = new Promise<void>((resolve) => {
    markActivated = resolve;
  });

  const customerOf = firstKnown(options.names, namesInTheLog(store));

  const notify = async (client: pg.ClientBase, intent: NotificationIntent, signal: AbortSignal) => {
    const known = await customerOf(intent.orderId);
    if (known && 'erased' in known) {
      // Forgotten at their request: no name, no address, nobody to tell. The saga goes on without us.
      log.info({ orderId: intent.orderId, kind: intent.kind }, 'personal data erased: customer not notified');
      return;
    }
    const customer = known?.name;
    const message: NotificationMessage = {
      idempotencyKey: intent.eventId,
      to: customer ? recipientFor(customer) : '',
      orderId: intent.orderId,
      kind: intent.kind,
      message: messageText(intent, customer ?? 'there'),
    };
    const deadLetter = async (reason: string) => {
      await recordDeadLetter(client, intent, reason);
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

  const watcher = createLogWatcher(pool, {
    pollIntervalMs: options.pollIntervalMs,
    onError: (error) => log.warn({ err: error }, 'log watcher: connection trouble, recovering'),
  });
  const runner = runConsumer({
    name,
    mode: reactorMode({
      checkpoints: notificationCheckpoints,
      accepts: (event) => notificationFor(event) !== undefined,
      react: (event, { client, signal }) => notify(client, notificationFor(event)!, signal),
    }),
    connect: dedicatedConnection(pool, `notifier:${name}:${instanceId}`),
    watcher,
    logger: log,
    batchSize: options.batchSize ?? 100,
    lockRetryMs: options.standbyPollMs ?? 1_000,
    ...(options.lease ? { lease: options.lease } : {}),
    onStateChange: (state) => {
      metrics.active.set(state === 'active' ? 1 : 0);
      if (state === 'active') markActivated();
    },
  });

  return {
    get active() {
      return runner.state === 'active';
    },
    activated,
    async stop() {
      await runner.stop();
      await watcher.close();
    },
  };
}
