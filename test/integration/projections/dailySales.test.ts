import { afterEach, beforeEach, expect, test } from 'vitest';
import { orderStreamId } from '../../../domain/events';
import { dailySales, getDailySales } from '../../../projections';
import { line, type OrderSpec, sagaEvents, toNewEvent } from '../../../simulators/simulatedOrders';
import { type ProjectionsDatabase, project, projectionsDatabase } from './support';

let db: ProjectionsDatabase;
beforeEach(async () => {
  db = await projectionsDatabase();
});
afterEach(() => db.drop());

const monday = (hour: number) => new Date(Date.UTC(2026, 10, 23, hour));
const tuesday = (hour: number) => new Date(Date.UTC(2026, 10, 24, hour));

async function given(...orders: OrderSpec[]): Promise<void> {
  for (const order of orders)
    await db.store.append(orderStreamId(order.orderId), 'no_stream', sagaEvents(order).map(toNewEvent));
  await project(db.pool, dailySales.projection());
}

test('a day counts revenue, refunds, each outcome and the drinks handed over', async () => {
  await given(
    { orderId: 'a', path: 'completed', at: monday(9), items: [line('latte', 2), line('tea')] },
    { orderId: 'b', path: 'completed', at: monday(10), items: [line('latte', 1)] },
    { orderId: 'c', path: 'failed', at: monday(11), items: [line('mocha', 1)] },
    { orderId: 'd', path: 'declined', at: monday(12) },
    { orderId: 'e', path: 'abandoned', at: monday(13), items: [line('espresso', 1)] },
    { orderId: 'f', path: 'cancelledUnpaid', at: monday(14) },
    { orderId: 'g', path: 'queued', at: monday(15), items: [line('espresso', 1)] },
  );
  expect(await getDailySales(db.pool)).toEqual([
    {
      day: '2026-11-23',
      // charged: a 1180 + b 450 + c 500 + e 300 + g 300; refunded: c 500
      revenue: { amount: 2730, currency: 'USD' },
      refunds: { amount: 500, currency: 'USD' },
      net: { amount: 2230, currency: 'USD' },
      orders: { placed: 7, completed: 2, rejected: 1, failed: 1, cancelled: 1, abandoned: 1 },
      drinks: [
        { drink: 'latte', quantity: 3 },
        { drink: 'tea', quantity: 1 },
      ],
    },
  ]);
});

test('each fact counts on its own day, and days can be picked', async () => {
  // Placed 23:55 on Monday: paid, brewed and completed after midnight.
  await given(
    {
      orderId: 'night',
      path: 'completed',
      at: new Date(Date.UTC(2026, 10, 23, 23, 55)),
      items: [line('mocha', 1)],
    },
    { orderId: 'morning', path: 'cancelledBrewing', at: tuesday(8), items: [line('tea', 1)] },
  );
  const [tue, mon] = await getDailySales(db.pool);
  expect(mon).toMatchObject({
    day: '2026-11-23',
    revenue: { amount: 500 },
    orders: { placed: 1, completed: 0 },
    drinks: [],
  });
  expect(tue).toMatchObject({
    day: '2026-11-24',
    revenue: { amount: 280 },
    refunds: { amount: 280 },
    orders: { placed: 1, completed: 1, cancelled: 1 },
    drinks: [{ drink: 'mocha', quantity: 1 }],
  });
  expect((await getDailySales(db.pool, { from: '2026-11-24' })).map((d) => d.day)).toEqual(['2026-11-24']);
  expect((await getDailySales(db.pool, { to: '2026-11-23' })).map((d) => d.day)).toEqual(['2026-11-23']);
});

test('orders still open keep only what their outcome will need', async () => {
  await given(
    { orderId: 'open', path: 'brewing', at: monday(9) },
    { orderId: 'done', path: 'completed', at: monday(9) },
  );
  const { rows } = await db.pool.query('SELECT order_id FROM daily_sales_open_orders');
  expect(rows).toEqual([{ order_id: 'open' }]);
});

test('revenue is money taken: captures and old charges count, a hold does not, and a void is not a refund', async () => {
  await given(
    { orderId: 'old', path: 'completed', at: monday(9), items: [line('latte', 1)] },
    { orderId: 'new', path: 'heldCompleted', at: monday(10), items: [line('mocha', 1)] },
    { orderId: 'kept', path: 'heldAbandoned', at: monday(11), items: [line('tea', 1)] },
    { orderId: 'undone', path: 'heldFailed', at: monday(12), items: [line('espresso', 1)] },
  );
  const [monday_] = await getDailySales(db.pool);
  expect(monday_).toMatchObject({
    // old 450 charged + new 500 captured + kept 280 captured; undone 300 was only held, then voided
    revenue: { amount: 1230, currency: 'USD' },
    refunds: { amount: 0, currency: 'USD' },
    orders: { placed: 4, completed: 2, failed: 1, abandoned: 1 },
  });
});
