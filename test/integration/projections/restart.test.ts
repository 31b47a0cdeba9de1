import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { orderStreamId } from '../../../domain/events';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from '../../../embedded/postgres';
import { createEventStore, type EventStore } from '../../../eventstore';
import {
  getDailySales,
  type Projector,
  READ_MODELS,
  startProjector,
  waitForPosition,
} from '../../../projections';
import { mixedOrders, SIMULATED_PATHS, sagaEvents, toNewEvent } from '../../../simulators/simulatedOrders';
import { waitFor } from '../../support/waitFor';

// This test restarts Postgres, so it brings its own: the shared one stays up for everyone else.
let postgres: EmbeddedPostgresHandle;
let pool: pg.Pool;
let store: EventStore;
let projector: Projector;
const dataRoot = mkdtempSync(join(tmpdir(), 'brew-saga-restart-'));

beforeAll(async () => {
  postgres = await startEmbeddedPostgres({ dataDir: join(dataRoot, 'pg'), unsafeFast: true });
  pool = new pg.Pool({ connectionString: postgres.url, max: 6 });
  pool.on('error', () => {});
  projector = await startProjector({ pool, pollIntervalMs: 100 });
  store = createEventStore(pool, { onError: () => {} });
});
afterAll(async () => {
  await projector?.stop();
  await store?.close();
  await pool?.end();
  await postgres?.stop();
  rmSync(dataRoot, { recursive: true, force: true });
});

let appendedSoFar = 0;
// Pacing only (retries, the writer's rhythm, the outage's length), never to let a fact happen.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Appends every order's events in turn, retrying through outages: event ids make a retry a no-op. */
async function appendThroughOutages(orders: ReturnType<typeof mixedOrders>): Promise<number> {
  let appended = 0;
  for (const order of orders) {
    const events = sagaEvents(order).map(toNewEvent);
    for (const [index, event] of events.entries()) {
      for (;;) {
        try {
          await store.append(orderStreamId(order.orderId), index, [event]);
          break;
        } catch {
          await sleep(100);
        }
      }
      appended += 1;
      appendedSoFar = appended;
      await sleep(4);
    }
  }
  return appended;
}

test('a Postgres restart while following live loses nothing and doubles nothing', async () => {
  const orders = mixedOrders(SIMULATED_PATHS.length * 4, 'restart');
  const writing = appendThroughOutages(orders);
  await waitFor(() => appendedSoFar >= 20, { what: 'load under way before the outage' });
  await postgres.stop();
  const appendedBeforeRestart = appendedSoFar;
  await sleep(1000);
  await postgres.start();
  const events = await writing;
  // The outage really fell in the middle of the load.
  expect(appendedBeforeRestart).toBeLessThan(events);

  const { rows } = await pool.query('SELECT max(position)::int AS head, count(*)::int AS n FROM events');
  expect(rows[0].n).toBe(events);
  for (const model of READ_MODELS)
    expect(await waitForPosition(pool, model.name, rows[0].head, 15_000), model.name).toBe(true);
  const summary = await pool.query(
    'SELECT count(*)::int AS orders, sum(version)::int AS events FROM order_summary',
  );
  expect(summary.rows[0]).toEqual({ orders: orders.length, events });
  const days = await getDailySales(pool);
  expect(days.reduce((sum, day) => sum + day.orders.placed, 0)).toBe(orders.length);
  const charged = await pool.query(
    `SELECT coalesce(sum((data->'amount'->>'amount')::int), 0)::int AS revenue FROM events WHERE type IN ('PaymentCharged', 'PaymentCaptured')`,
  );
  expect(days.reduce((sum, day) => sum + day.revenue.amount, 0)).toBe(charged.rows[0].revenue);
  expect(projector.runners.map((runner) => runner.state)).toEqual(['active', 'active', 'active']);
});
