import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { notifierConfig } from '../../../config/notifier';
import { orderStreamId } from '../../../domain/events';
import { createEventStore, type EventStore, migrateEventStore } from '../../../eventstore';
import { loadCheckpoint } from '../../../notifications/checkpoints';
import { createNotificationMetrics } from '../../../notifications/metrics';
import { type RunningNotifier, startNotifier } from '../../../notifications/notifier';
import { type ProviderSimulator, startProviderSimulator } from '../../../simulators/notificationProvider';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { waitFor } from '../../support/waitFor';
import { abandonOrder, countByKey, fastPolicy, placeReadyOrder, refundOrder } from './support';

let db: TestDatabase;
let store: EventStore;
let simulator: ProviderSimulator;
let notifier: RunningNotifier;
const metrics = createNotificationMetrics();

beforeAll(async () => {
  db = await createTestDatabase();
  await migrateEventStore(db.pool);
  store = createEventStore(db.pool, { pollIntervalMs: 200 });
  simulator = await startProviderSimulator();
  // The notifier as bin/dev.ts would run it in-process, on this test's pool and metrics.
  notifier = await startNotifier(
    notifierConfig({
      providerUrl: simulator.url,
      metricsPort: 0,
      policy: fastPolicy,
      requestTimeoutMs: 500,
      logLevel: 'silent',
    }),
    { pool: db.pool, metrics },
  );
  await notifier.reactor.activated;
});

afterAll(async () => {
  await notifier?.stop();
  await store?.close();
  await simulator?.close();
  await db?.drop();
});

const metric = async (name: string) =>
  (await metrics.registry.getSingleMetric(name)?.get())?.values.reduce(
    (sum, value) => sum + value.value,
    0,
  ) ?? 0;

test('after a provider outage during a burst, every ready order got exactly one "ready" message, in log order', async () => {
  const ORDERS = 30;
  const OUTAGE_MS = 2_000;
  simulator.setFaults({ down: true });
  const burst = await Promise.all(
    Array.from({ length: ORDERS }, (_, i) => placeReadyOrder(store, `Guest ${i}`)),
  );
  // One abandoned order, one real refund and one no-op refund ride along in the same backlog.
  const abandonedId = await abandonOrder(store, burst[0]!.orderId);
  const refundedId = await refundOrder(store, burst[1]!.orderId, 450);
  const noOpRefundId = await refundOrder(store, burst[2]!.orderId, 0);

  await sleep(OUTAGE_MS); // the outage's length: a scenario, not a wait for something to happen
  await waitFor(async () => (await metric('brew_notifications_breaker_state')) === 2, {
    what: 'an open breaker',
  });
  const callsDuringOutage = simulator.calls().length;
  expect(simulator.deliveries()).toHaveLength(0);
  simulator.setFaults({ down: false });

  const expectedKeys = [...burst.map((order) => order.readyId), abandonedId, refundedId];
  await waitFor(() => simulator.deliveries().length >= expectedKeys.length, { what: 'the backlog to drain' });
  // Once the reactor's checkpoint is past every message-worthy event, no further send can come.
  const { rows } = await db.pool.query(
    `SELECT max(position)::int AS last FROM events WHERE type <> 'CustomerNotified'`,
  );
  await waitFor(async () => (await loadCheckpoint(db.pool, 'customer-notifier')).position >= rows[0].last, {
    what: 'the reactor to pass the whole backlog',
  });

  const deliveries = simulator.deliveries();
  const perKey = countByKey(deliveries.map((delivery) => delivery.idempotencyKey));
  const ready = deliveries.filter((delivery) => delivery.kind === 'ready');
  const calls = simulator.calls();
  const counts = {
    readyOrders: ORDERS,
    outageMs: OUTAGE_MS,
    callsDuringOutage,
    callsTotal: calls.length,
    callsDropped: calls.filter((call) => call.outcome === 'down').length,
    deliveredReady: ready.length,
    distinctReadyOrders: new Set(ready.map((delivery) => delivery.orderId)).size,
    deliveredAbandoned: deliveries.filter((delivery) => delivery.kind === 'abandoned').length,
    deliveredRefunded: deliveries.filter((delivery) => delivery.kind === 'refunded').length,
    duplicatesAtProvider: calls.filter((call) => call.outcome === 'duplicate').length,
    maxDeliveriesPerKey: Math.max(...perKey.values()),
    metricSent: await metric('brew_notifications_sent_total'),
    metricRetried: await metric('brew_notifications_retried_total'),
  };
  console.log(`notification outage counts: ${JSON.stringify(counts)}`);

  expect(ready).toHaveLength(ORDERS);
  expect(counts.distinctReadyOrders).toBe(ORDERS);
  expect(counts.maxDeliveriesPerKey).toBe(1);
  expect(new Set(perKey.keys())).toEqual(new Set(expectedKeys));
  expect(perKey.has(noOpRefundId)).toBe(false);
  // The breaker held calls to a trickle while the provider was down: no hammering.
  expect(callsDuringOutage).toBeLessThan(
    fastPolicy.breakerThreshold + OUTAGE_MS / fastPolicy.halfOpenAfterMs + 3,
  );
  // The backlog drained in log order: (writing transaction, position), the order the reactor reads.
  const { rows: logOrder } = await db.pool.query<{ event_id: string }>(
    "SELECT event_id FROM events WHERE type = 'OrderReady' ORDER BY transaction_id, position",
  );
  expect(ready.map((delivery) => delivery.idempotencyKey)).toEqual(logOrder.map((row) => row.event_id));
  expect(counts.metricSent).toBe(expectedKeys.length);
  expect(await metric('brew_notifications_breaker_state')).toBe(0);
  const exposed = await (await fetch(notifier.metricsUrl)).text();
  expect(exposed).toContain(`brew_notifications_sent_total{kind="ready"} ${ORDERS}`);
  expect(exposed).toContain('brew_notifications_dead_lettered_total{kind="ready"} 0');

  // The order read model can show "notified": one CustomerNotified per message, in the order's stream.
  for (const order of burst) {
    const notified = (await store.readStream(orderStreamId(order.orderId))).filter(
      (event) => event.type === 'CustomerNotified',
    );
    expect(notified.map((event) => event.data.message).sort()).toEqual(
      order === burst[0] ? ['abandoned', 'ready'] : order === burst[1] ? ['ready', 'refunded'] : ['ready'],
    );
    expect(notified.every((event) => event.metadata.correlationId === order.orderId)).toBe(true);
  }
});
