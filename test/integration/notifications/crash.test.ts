import { expect, test } from 'vitest';
import { loadCheckpoint } from '../../../notifications/checkpoints';
import { waitFor } from '../../support/waitFor';
import { useNotificationDesk } from './notificationDesk';
import { countByKey, killNotifier, placeReadyOrder } from './support';

const { db, store, simulator, runNotifier } = useNotificationDesk();

test('a notifier killed between sending and checkpointing delivers each message exactly once after restart', async () => {
  const CRASH_AFTER = 3;
  const orders = [];
  for (let i = 0; i < 8; i++) orders.push(await placeReadyOrder(store, `Crash ${i}`));

  const first = runNotifier({ NOTIFIER_CRASH_AFTER_SEND: String(CRASH_AFTER) });
  const { signal } = await first.exited;
  expect(signal, first.output()).toBe('SIGKILL');
  // The third message was acknowledged, but the checkpoint still stands before it.
  expect(simulator.deliveries()).toHaveLength(CRASH_AFTER);
  const { rows } = await db.pool.query<{ position: string }>(
    "SELECT position FROM events WHERE type = 'OrderReady' ORDER BY position",
  );
  const stoppedAt = await loadCheckpoint(db.pool, 'customer-notifier');
  expect(stoppedAt.position).toBeLessThan(Number(rows[CRASH_AFTER - 1]!.position));

  const second = runNotifier();
  await waitFor(() => simulator.deliveries().length >= orders.length, { what: 'all orders notified' });
  await waitFor(
    async () =>
      (await loadCheckpoint(db.pool, 'customer-notifier')).position >= Number(rows.at(-1)!.position),
    { what: 'the checkpoint to pass the last OrderReady' },
  );
  await killNotifier(second, 'SIGTERM');

  const perKey = countByKey(simulator.deliveries().map((delivery) => delivery.idempotencyKey));
  expect([...perKey.keys()].sort()).toEqual(orders.map((order) => order.readyId).sort());
  expect(Math.max(...perKey.values())).toBe(1);
  // The re-send after the crash reached the provider, which acknowledged it without delivering again.
  const repeats = simulator.calls().filter((call) => call.outcome === 'duplicate');
  expect(repeats.map((call) => call.idempotencyKey)).toEqual([orders[CRASH_AFTER - 1]!.readyId]);
  const { rows: notified } = await db.pool.query<{ count: string }>(
    "SELECT count(*) FROM events WHERE type = 'CustomerNotified'",
  );
  expect(Number(notified[0]!.count)).toBe(orders.length);
});
