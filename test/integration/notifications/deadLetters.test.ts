import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { orderStreamId } from '../../../domain/events';
import { loadCheckpoint } from '../../../notifications/checkpoints';
import { listDeadLetters } from '../../../notifications/deadLetters';
import { createNotificationMetrics } from '../../../notifications/metrics';
import { recipientFor } from '../../../notifications/provider';
import { waitFor } from '../../support/waitFor';
import { useNotificationDesk } from './notificationDesk';
import { fastPolicy, placeReadyOrder, root } from './support';

const metrics = createNotificationMetrics();
const { db, store, simulator } = useNotificationDesk({
  pollIntervalMs: 200,
  reactor: { policy: fastPolicy, metrics },
});

/** `npm run notifications -- <args>`, as an operator types it. */
async function notificationsCli(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'notifications', '--', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: db.url, NOTIFICATION_PROVIDER_URL: simulator.url },
  });
  return stdout;
}

test('a poison message is dead-lettered with its reason, the rest flow on, and a replay after the fix delivers it once', async () => {
  const before = await placeReadyOrder(store, 'Ana');
  const poison = await placeReadyOrder(store, 'Invalid Ian');
  const after = await placeReadyOrder(store, 'Caro');
  await waitFor(() => simulator.deliveries().length === 2, { what: 'the valid orders to be notified' });
  const [lastReady] = (await store.readStream(orderStreamId(after.orderId))).filter(
    (e) => e.type === 'OrderReady',
  );
  await waitFor(
    async () => (await loadCheckpoint(db.pool, 'customer-notifier')).position >= lastReady!.position,
    {
      what: 'the reactor to move past every order',
    },
  );

  expect(simulator.deliveries().map((delivery) => delivery.idempotencyKey)).toEqual([
    before.readyId,
    after.readyId,
  ]);
  const [letter, ...others] = await listDeadLetters(db.pool);
  expect(others).toHaveLength(0);
  expect(letter).toMatchObject({
    eventId: poison.readyId,
    orderId: poison.orderId,
    kind: 'ready',
    // Parked without the name or the address it derives from: a replay renders them again.
    payload: { idempotencyKey: poison.readyId, eventType: 'OrderReady', kind: 'ready' },
    replayedAt: null,
  });
  expect(letter!.reason).toMatch(/^invalid_recipient: /);
  expect((await metrics.deadLettered.get()).values[0]?.value).toBe(1);
  // A permanent refusal is not retried: one call for the poison message.
  expect(simulator.calls().filter((call) => call.idempotencyKey === poison.readyId)).toHaveLength(1);

  const listed = await notificationsCli('dead-letters');
  expect(listed).toContain(poison.readyId);
  expect(listed).toContain('invalid_recipient');

  // The fix: the provider accepts the address now. Replay sends it once, with the same key.
  simulator.setFaults({ markValid: [recipientFor('Invalid Ian')] });
  expect(await notificationsCli('replay', poison.readyId)).toContain(`${poison.readyId}  delivered`);
  expect(await notificationsCli('replay', '--all')).toContain('no dead letters waiting');

  const poisonDeliveries = simulator.deliveries().filter((d) => d.idempotencyKey === poison.readyId);
  expect(poisonDeliveries).toHaveLength(1);
  expect((await listDeadLetters(db.pool)).length).toBe(0);
  const [replayed] = await listDeadLetters(db.pool, { includeReplayed: true });
  expect(replayed!.replayedAt).toBeInstanceOf(Date);
  const notified = (await store.readStream(orderStreamId(poison.orderId))).filter(
    (event) => event.type === 'CustomerNotified',
  );
  expect(notified.map((event) => event.data.message)).toEqual(['ready']);
});

test('an order with no OrderPlaced in its stream is dead-lettered as such, never sent', async () => {
  const orderId = randomUUID();
  const readyId = randomUUID();
  const [position] = (
    await store.append(orderStreamId(orderId), 'any', [
      { eventId: readyId, type: 'OrderReady', data: { orderId, at: new Date().toISOString() } },
    ])
  ).positions;
  await waitFor(async () => (await loadCheckpoint(db.pool, 'customer-notifier')).position >= position!, {
    what: 'the reactor to move past the orphan OrderReady',
  });

  const [letter, ...others] = await listDeadLetters(db.pool);
  expect(others).toHaveLength(0);
  expect(letter).toMatchObject({ eventId: readyId, orderId, kind: 'ready', payload: { kind: 'ready' } });
  expect(letter!.reason).toBe(`no OrderPlaced in ${orderStreamId(orderId)}`);
  expect(simulator.calls().filter((call) => call.idempotencyKey === readyId)).toHaveLength(0);
  expect((await metrics.deadLettered.get()).values[0]?.value).toBe(2);
});
