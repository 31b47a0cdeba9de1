import { beforeAll, expect, test } from 'vitest';
import { createNotificationMetrics } from '../../../notifications/metrics';
import { waitFor } from '../../support/waitFor';
import { useNotificationDesk } from './notificationDesk';
import { fastPolicy, placeReadyOrder } from './support';

const { db, store, simulator, reactor } = useNotificationDesk({
  pollIntervalMs: 200,
  reactor: {
    policy: fastPolicy,
    metrics: createNotificationMetrics(),
    instanceId: 'solo',
    standbyPollMs: 100,
  },
});
beforeAll(() => reactor.activated);

test('a reactor whose lock connection is cut stops, takes the lock again and carries on where it was', async () => {
  await placeReadyOrder(store, 'Before');
  await waitFor(() => simulator.deliveries().length === 1, { what: 'the first message' });
  // While the provider is down the reactor is paused on the next message; then its lock session dies.
  simulator.setFaults({ down: true });
  const { readyId } = await placeReadyOrder(store, 'After');
  await waitFor(() => simulator.calls().some((call) => call.outcome === 'down'), { what: 'a failing call' });
  const { rows } = await db.pool.query<{ killed: boolean; pid: number }>(
    "SELECT pid, pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = 'notifier:customer-notifier:solo'",
  );
  expect(rows).toHaveLength(1);
  simulator.setFaults({ down: false });
  await waitFor(() => simulator.deliveries().length === 2, { what: 'the message after the cut' });
  expect(simulator.deliveries()[1]!.idempotencyKey).toBe(readyId);
  await waitFor(
    async () => {
      const { rows: holders } = await db.pool.query(
        "SELECT 1 FROM pg_stat_activity WHERE application_name = 'notifier:customer-notifier:solo'",
      );
      return holders.length === 1 && holders[0]!.pid !== rows[0]!.pid;
    },
    { what: 'the lock to be held again, on a new session' },
  );
  expect(reactor.active).toBe(true);
});
