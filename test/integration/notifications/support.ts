import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { OrderEvent } from '../../../domain/events';
import { orderStreamId } from '../../../domain/events';
import { money } from '../../../domain/money';
import type { EventStore } from '../../../eventstore';
import type { DeliveryPolicyOptions } from '../../../notifications/delivery';

export const root = resolve(import.meta.dirname, '../../..');

/** Fast knobs so a test sees retries, an open breaker and probes within a few seconds. */
export const fastPolicy: DeliveryPolicyOptions = {
  breakerThreshold: 3,
  halfOpenAfterMs: 300,
  retryMaxAttempts: 3,
  retryInitialDelayMs: 20,
  retryMaxDelayMs: 100,
};

const at = () => new Date().toISOString();

async function append(store: EventStore, orderId: string, facts: OrderEvent[]): Promise<string[]> {
  const events = facts.map((fact) => ({ eventId: randomUUID(), type: fact.type, data: fact.data }));
  await store.append(orderStreamId(orderId), 'any', events);
  return events.map((event) => event.eventId);
}

/** Given an order placed, paid and brewed: returns the OrderReady event's id (the message's idempotency key). */
export async function placeReadyOrder(
  store: EventStore,
  customer: string,
): Promise<{ orderId: string; readyId: string }> {
  const orderId = randomUUID();
  const ids = await append(store, orderId, [
    {
      type: 'OrderPlaced',
      // Written the way orders were before the vault: the name in the event (the notifier reads it there).
      data: {
        orderId,
        at: at(),
        customerRef: `vault:${orderId}/customer`,
        ...({ customer } as object),
        items: [{ drink: 'latte', size: 'medium', quantity: 1, unitPrice: money(450) }],
        total: money(450),
        paymentTokenLast4: '4242',
        pickupWindowSeconds: 1800,
      },
    },
    { type: 'PaymentCharged', data: { orderId, at: at(), amount: money(450), chargeId: `ch_${orderId}` } },
    { type: 'BrewingStarted', data: { orderId, at: at(), drinks: 1 } },
    {
      type: 'OrderReady',
      data: { orderId, at: at(), pickupDeadline: new Date(Date.now() + 1_800_000).toISOString() },
    },
  ]);
  return { orderId, readyId: ids[3]! };
}

export async function abandonOrder(store: EventStore, orderId: string): Promise<string> {
  const [, abandoned] = await append(store, orderId, [
    { type: 'DrinkDiscarded', data: { orderId, at: at(), drinks: 1, reason: 'not_picked_up' } },
    { type: 'OrderAbandoned', data: { orderId, at: at() } },
  ]);
  return abandoned!;
}

export async function refundOrder(store: EventStore, orderId: string, amount: number): Promise<string> {
  const [refunded] = await append(store, orderId, [
    {
      type: 'PaymentRefunded',
      data: { orderId, at: at(), amount: money(amount), refundId: amount > 0 ? `re_${orderId}` : null },
    },
  ]);
  return refunded!;
}

export interface NotifierProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `bin/notifier.ts` as its own process, exactly as `npm start` runs it. */
export function spawnNotifier(env: Record<string, string>): NotifierProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(root, 'bin/notifier.ts')], {
    cwd: root,
    env: {
      ...process.env,
      NOTIFIER_METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
      NOTIFIER_BREAKER_THRESHOLD: String(fastPolicy.breakerThreshold),
      NOTIFIER_BREAKER_HALF_OPEN_MS: String(fastPolicy.halfOpenAfterMs),
      NOTIFIER_RETRY_INITIAL_MS: String(fastPolicy.retryInitialDelayMs),
      NOTIFIER_RETRY_MAX_MS: String(fastPolicy.retryMaxDelayMs),
      NOTIFIER_STANDBY_POLL_MS: '200',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** SIGKILL, and wait until it is gone (no-op when it already exited). */
export async function killNotifier(
  notifier: NotifierProcess,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<void> {
  if (notifier.child.exitCode === null && notifier.child.signalCode === null) notifier.child.kill(signal);
  await notifier.exited;
}

/** How many deliveries each idempotency key got. */
export function countByKey(keys: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}
