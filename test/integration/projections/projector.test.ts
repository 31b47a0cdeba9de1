import pg from 'pg';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { orderStreamId } from '../../../domain/events';
import type { LoggedEvent } from '../../../eventstore';
import {
  dailySales,
  getDailySales,
  getOrderSummary,
  getProjectionStatus,
  type Logger,
  ORDER_CHANGED_CHANNEL,
  orderSummary,
  type Projector,
  parseOrderChanged,
  readCheckpoint,
  resetCheckpoint,
  startProjector,
  waitForPosition,
} from '../../../projections';
import {
  appendInterleaved,
  mixedOrders,
  SIMULATED_PATHS,
  toNewEvent,
} from '../../../simulators/simulatedOrders';
import { waitFor } from '../../support/waitFor';
import { type ProjectionsDatabase, projectionsDatabase } from './support';

let db: ProjectionsDatabase;
let projector: Projector | undefined;
beforeEach(async () => {
  db = await projectionsDatabase();
});
afterEach(async () => {
  await projector?.stop();
  projector = undefined;
  await db.drop();
});

const totals = async () => {
  const days = await getDailySales(db.pool);
  const sum = (pick: (day: (typeof days)[number]) => number) =>
    days.reduce((total, day) => total + pick(day), 0);
  return {
    placed: sum((d) => d.orders.placed),
    completed: sum((d) => d.orders.completed),
    revenue: sum((d) => d.revenue.amount),
  };
};

describe('projector', () => {
  test('follows the log live, and a query can wait until its write is projected', async () => {
    projector = await startProjector({ pool: db.pool, pollIntervalMs: 100 });
    const positions = await appendInterleaved(db.store, mixedOrders(18, 'live'));
    const last = Math.max(...positions);
    expect(await waitForPosition(db.pool, 'orderSummary', last, 20_000)).toBe(true);
    expect(await getOrderSummary(db.pool, 'live-0')).toMatchObject({ status: 'COMPLETED' });
    expect(await waitForPosition(db.pool, 'notAProjection', last, 100)).toBe(false);
    // Position 0 (before any event) is always reached; one past the head waits for the head.
    expect(await waitForPosition(db.pool, 'notAProjection', 0, 100)).toBe(true);
    expect(await waitForPosition(db.pool, 'orderSummary', last + 1_000_000, 1_000)).toBe(true);
    const status = await waitFor(async () => {
      const rows = await getProjectionStatus(db.pool);
      expect(rows.map((row) => [row.name, row.state, row.lag])).toEqual([
        ['baristaQueue', 'active', 0],
        ['dailySales', 'active', 0],
        ['orderSummary', 'active', 0],
      ]);
      return rows;
    });
    expect(status[0]!.activeOn).toBe(`projector:baristaQueue:${process.pid}`);
  });

  test('a crash between handling and commit re-delivers the batch, and it still counts once', async () => {
    const deliveries: number[] = [];
    const orders = mixedOrders(SIMULATED_PATHS.length * 2, 'crash');
    // Old (charged) and today's (held, captured) sagas that were picked up.
    const completed = orders.filter((order) => ['completed', 'heldCompleted'].includes(order.path)).length;
    projector = await startProjector({
      pool: db.pool,
      projections: [dailySales.projection()],
      pollIntervalMs: 50,
      beforeCommit: async (tx, events: readonly LoggedEvent[]) => {
        const done = events.find((event) => event.type === 'OrderCompleted');
        if (!done) return;
        deliveries.push(done.position);
        // The connection dies after the handler wrote its rows, before COMMIT.
        if (deliveries.length === 1) await tx.query('SELECT pg_terminate_backend(pg_backend_pid())');
      },
    });
    const positions = await appendInterleaved(db.store, orders);
    await waitFor(async () => expect(await totals()).toMatchObject({ placed: orders.length, completed }));
    expect(deliveries[1]).toBe(deliveries[0]);
    // Once the whole log is projected, nothing more can be counted.
    expect(await waitForPosition(db.pool, 'dailySales', Math.max(...positions), 20_000)).toBe(true);
    expect(await totals()).toMatchObject({ placed: orders.length, completed });
  });

  test('a poison event halts only its projection, at that event, in its status and the logs', async () => {
    const errors: Array<{ details: object; message: string }> = [];
    const logger: Logger = {
      info() {},
      warn() {},
      error: (details, message) => errors.push({ details, message }),
    };
    projector = await startProjector({ pool: db.pool, logger, pollIntervalMs: 50 });
    await appendInterleaved(db.store, mixedOrders(3, 'before'));
    const [poison] = (
      await db.store.append(orderStreamId('ghost'), 'no_stream', [
        toNewEvent({
          type: 'PaymentCharged',
          data: {
            orderId: 'ghost',
            at: new Date().toISOString(),
            amount: { amount: 300, currency: 'USD' },
            chargeId: 'ch',
          },
        }),
      ])
    ).positions;
    const after = await appendInterleaved(db.store, mixedOrders(3, 'after'));
    // The others carry on past it...
    expect(await waitForPosition(db.pool, 'dailySales', Math.max(...after), 20_000)).toBe(true);
    expect(await waitForPosition(db.pool, 'baristaQueue', Math.max(...after), 20_000)).toBe(true);
    // ...the order summary stops just before it, says why, and never skips it.
    const failed = await waitFor(async () => {
      const row = (await getProjectionStatus(db.pool)).find((r) => r.name === 'orderSummary')!;
      expect(row.state).toBe('failed');
      return row;
    });
    expect(failed.failedAt?.position).toBe(poison);
    expect(failed.checkpoint.position).toBeLessThan(poison!);
    expect(failed.error).toMatch(/PaymentCharged for order ghost, which was never placed/);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.details).toMatchObject({
      projection: 'orderSummary',
      position: poison,
      type: 'PaymentCharged',
    });
    expect(await getOrderSummary(db.pool, 'before-0')).not.toBeNull();
    expect(await getOrderSummary(db.pool, 'after-0')).toBeNull();
    // A retry (after a fix that did not happen) fails again at the same event: no silent loop, no skip.
    await resetCheckpoint(db.pool, 'orderSummary');
    await waitFor(async () => {
      const row = await readCheckpoint(db.pool, 'orderSummary');
      expect([row.status, row.failedAt?.position, errors.length]).toEqual(['failed', poison, 2]);
    });
  });

  test('each change of an order is announced on order_changed, with the position it reached', async () => {
    const listener = new pg.Client(db.url);
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (message) => heard.push(message.payload ?? ''));
    await listener.query(`LISTEN ${ORDER_CHANGED_CHANNEL}`);
    try {
      projector = await startProjector({
        pool: db.pool,
        projections: [orderSummary.projection()],
        pollIntervalMs: 50,
      });
      const positions = await appendInterleaved(db.store, [{ orderId: 'heard', path: 'queued' }]);
      await waitFor(async () =>
        expect(heard.map(parseOrderChanged).at(-1)).toEqual({
          orderId: 'heard',
          position: Math.max(...positions),
        }),
      );
    } finally {
      await listener.end();
    }
  });

  test('one event per batch: handlers write nothing twice across batch boundaries', async () => {
    projector = await startProjector({
      pool: db.pool,
      projections: [orderSummary.projection()],
      batchSize: 1,
    });
    const positions = await appendInterleaved(db.store, mixedOrders(9, 'single'));
    expect(await waitForPosition(db.pool, 'orderSummary', Math.max(...positions), 20_000)).toBe(true);
    const { rows } = await db.pool.query(
      'SELECT count(*)::int AS n, sum(version)::int AS events FROM order_summary',
    );
    expect(rows[0]).toEqual({ n: 9, events: positions.length });
  });
});
