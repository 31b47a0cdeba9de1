import { afterAll, beforeAll, expect, test } from 'vitest';
import { boardOrders, orderSummary } from '../../../projections';
import { appendInterleaved, type OrderSpec } from '../../../simulators/simulatedOrders';
import { type ProjectionsDatabase, project, projectionsDatabase } from './support';

let db: ProjectionsDatabase;
beforeAll(async () => {
  db = await projectionsDatabase();
});
afterAll(() => db.drop());

const day = (iso: string) => new Date(iso);

test("the board: open orders of any day stay; finished ones only since the shop's day began", async () => {
  // given: a drink awaiting pickup since last week, one brewing since yesterday, and orders finished yesterday and today
  const orders: OrderSpec[] = [
    { orderId: 'board-waiting', path: 'heldAwaitingPickup', at: day('2026-11-13T09:00:00Z') },
    { orderId: 'board-brewing', path: 'heldBrewing', at: day('2026-11-19T23:50:00Z') },
    { orderId: 'board-done-yesterday', path: 'heldCompleted', at: day('2026-11-19T22:00:00Z') },
    { orderId: 'board-cancelled-yesterday', path: 'heldCancelledBrewing', at: day('2026-11-19T21:00:00Z') },
    { orderId: 'board-done-today', path: 'heldCompleted', at: day('2026-11-20T08:00:00Z') },
  ];
  await appendInterleaved(db.store, orders);
  await project(db.pool, orderSummary.projection());

  // when: the shop's day began at 2026-11-20T00:00Z
  const board = await boardOrders(db.pool, { finishedSince: day('2026-11-20T00:00:00Z') });

  // then: open ones first (newest first), then today's finished; yesterday's finished are gone
  expect(board.map((order) => [order.orderId, order.status])).toEqual([
    ['board-brewing', 'BREWING'],
    ['board-waiting', 'READY'],
    ['board-done-today', 'COMPLETED'],
  ]);
});

test('however many finished orders the day has, the open ones come first within the limit', async () => {
  const board = await boardOrders(db.pool, { finishedSince: day('2000-01-01T00:00:00Z'), limit: 2 });
  expect(board.map((order) => order.orderId)).toEqual(['board-brewing', 'board-waiting']);
});
