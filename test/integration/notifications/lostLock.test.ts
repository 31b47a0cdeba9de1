import { afterAll, beforeAll, expect, test } from 'vitest';
import { createEventStore, type EventStore, migrateEventStore } from '../../../eventstore';
import { createHttpProvider } from '../../../notifications/httpProvider';
import { createNotificationMetrics } from '../../../notifications/metrics';
import { migrateNotifications } from '../../../notifications/migrate';
import { type ProviderSimulator, startProviderSimulator } from '../../../notifications/providerSimulator';
import { type NotificationReactor, startNotificationReactor } from '../../../notifications/reactor';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { fastPolicy, placeReadyOrder, waitFor } from './support';

let db: TestDatabase;
let store: EventStore;
let simulator: ProviderSimulator;
let reactor: NotificationReactor;

beforeAll(async () => {
  db = await createTestDatabase();
  db.pool.on('error', () => {});
  await migrateEventStore(db.pool);
  await migrateNotifications(db.pool);
  store = createEventStore(db.pool, { pollIntervalMs: 200 });
  simulator = await startProviderSimulator();
  reactor = startNotificationReactor({
    pool: db.pool,
    store,
    provider: createHttpProvider({ baseUrl: simulator.url, timeoutMs: 500 }),
    policy: fastPolicy,
    metrics: createNotificationMetrics(),
    instanceId: 'solo',
    standbyPollMs: 100,
  });
  await reactor.activated;
});

afterAll(async () => {
  await reactor?.stop();
  await store?.close();
  await simulator?.close();
  await db?.drop();
});

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
