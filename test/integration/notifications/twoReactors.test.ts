import { expect, test } from 'vitest';
import { lockHolders } from '../../../eventstore/consumers';
import { waitFor } from '../../support/waitFor';
import { useNotificationDesk } from './notificationDesk';
import { countByKey, killNotifier, placeReadyOrder } from './support';

const { db, store, simulator, runNotifier } = useNotificationDesk();

const placeOrders = (count: number, prefix: string) =>
  Promise.all(Array.from({ length: count }, (_, i) => placeReadyOrder(store, `${prefix} ${i}`)));

test('of two notifier processes only one sends at a time, and the other takes over when it dies', async () => {
  const notifiers = {
    A: runNotifier({ LOG_LEVEL: 'info', NOTIFIER_INSTANCE_ID: 'A' }),
    B: runNotifier({ LOG_LEVEL: 'info', NOTIFIER_INSTANCE_ID: 'B' }),
  };
  await waitFor(() => Object.values(notifiers).every((n) => n.output().includes('notifier started')), {
    what: 'both notifiers to start',
  });
  // Slow calls keep the active instance busy while the standby keeps trying to take over.
  simulator.setFaults({ slowMs: 40, slowForMs: 60_000 });
  const firstWave = await placeOrders(10, 'First');
  await waitFor(() => simulator.deliveries().length === firstWave.length, { what: 'the first wave' });
  const senders = new Set(simulator.calls().map((call) => call.instance));
  expect(senders.size).toBe(1);
  const activeName = [...senders][0] as 'A' | 'B';
  const standbyName = activeName === 'A' ? 'B' : 'A';
  const holders = await lockHolders(db.pool, ['customer-notifier']);
  expect(holders.get('customer-notifier')?.applicationName).toBe(`notifier:customer-notifier:${activeName}`);

  await killNotifier(notifiers[activeName]);
  const diedAt = Date.now();
  const secondWave = await placeOrders(10, 'Second');
  await waitFor(() => simulator.deliveries().length === firstWave.length + secondWave.length, {
    what: 'the standby to take over and send the second wave',
  });

  const calls = simulator.calls();
  const fromActive = calls.filter((call) => call.instance === activeName);
  const fromStandby = calls.filter((call) => call.instance === standbyName);
  expect(fromActive.length + fromStandby.length).toBe(calls.length);
  // Never both at once: every call of the survivor comes after the dead instance's last call.
  expect(Math.min(...fromStandby.map((call) => call.at))).toBeGreaterThanOrEqual(diedAt);
  expect(Math.max(...fromActive.map((call) => call.at))).toBeLessThan(diedAt);
  const perKey = countByKey(simulator.deliveries().map((delivery) => delivery.idempotencyKey));
  expect(Math.max(...perKey.values())).toBe(1);
  expect(new Set(perKey.keys())).toEqual(
    new Set([...firstWave, ...secondWave].map((order) => order.readyId)),
  );
});
