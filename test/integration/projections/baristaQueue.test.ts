import { afterEach, beforeEach, expect, test } from 'vitest';
import { orderStreamId } from '../../../domain/events';
import { baristaQueue, getBaristaQueue } from '../../../projections';
import { type OrderSpec, sagaEvents, toNewEvent } from '../../../simulators/simulatedOrders';
import { type ProjectionsDatabase, project, projectionsDatabase } from './support';

let db: ProjectionsDatabase;
beforeEach(async () => {
  db = await projectionsDatabase();
});
afterEach(() => db.drop());

const at = (minute: number) => new Date(Date.UTC(2026, 10, 24, 9, minute));

async function given(...orders: OrderSpec[]): Promise<void> {
  for (const order of orders)
    await db.store.append(orderStreamId(order.orderId), 'no_stream', sagaEvents(order).map(toNewEvent));
  await project(db.pool, baristaQueue.projection());
}

test('paid orders wait to be brewed in the order they were paid; unpaid ones are not on the board', async () => {
  await db.store.append(
    orderStreamId('unpaid'),
    'no_stream',
    sagaEvents({ orderId: 'unpaid', path: 'queued', at: at(0) })
      .slice(0, 1)
      .map(toNewEvent),
  );
  await given(
    { orderId: 'second', path: 'queued', at: at(5) },
    { orderId: 'first', path: 'brewing', at: at(1) },
  );
  const queue = await getBaristaQueue(db.pool);
  // 'second' was appended (and paid) before 'first' here: the log's order is the board's order.
  expect(queue.toBrew.map((t) => [t.orderId, t.stage])).toEqual([
    ['second', 'queued'],
    ['first', 'brewing'],
  ]);
  expect(queue.toBrew[0]).toMatchObject({
    customerRef: 'vault:second/customer',
    items: [{ drink: 'latte', quantity: 2 }],
    brewingStartedAt: null,
  });
  expect(queue.awaitingPickup).toEqual([]);
});

test('a ready drink waits for pickup, earliest deadline first', async () => {
  await given(
    { orderId: 'late', path: 'awaitingPickup', at: at(30) },
    { orderId: 'early', path: 'awaitingPickup', at: at(0) },
  );
  const queue = await getBaristaQueue(db.pool);
  expect(queue.toBrew).toEqual([]);
  expect(queue.awaitingPickup.map((t) => t.orderId)).toEqual(['early', 'late']);
  expect(queue.awaitingPickup[0]!.pickupDeadline).toBe(new Date(at(60).getTime()).toISOString());
});

test('finished orders leave the board, whatever their outcome', async () => {
  await given(
    ...(['completed', 'declined', 'failed', 'cancelledBrewing', 'cancelledUnpaid', 'abandoned'] as const).map(
      (path, i) => ({ orderId: path, path, at: at(i) }),
    ),
  );
  expect(await getBaristaQueue(db.pool)).toEqual({ toBrew: [], awaitingPickup: [] });
  const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM barista_queue');
  expect(rows[0].n).toBe(0);
});
