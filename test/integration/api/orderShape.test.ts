import { afterAll, beforeAll, expect, test } from 'vitest';
import { postgresOrderQueries } from '../../../api/adapters/postgresQueries';
import type { OrderQueries, OrderView } from '../../../api/ports';
import { Order } from '../../../api/schemas';
import { orderStreamId } from '../../../domain/events';
import { orderSummary } from '../../../projections';
import { SIMULATED_PATHS, sagaEvents, toNewEvent } from '../../../simulators/simulatedOrders';
import { type ProjectionsDatabase, project, projectionsDatabase } from '../projections/support';

// The Order as the API answers it, without the links and the asOf marker the routes add.
const OrderAnswer = Order.omit({ links: true, asOf: true }).strict();

let db: ProjectionsDatabase;
let queries: OrderQueries;
beforeAll(async () => {
  db = await projectionsDatabase();
  const at = new Date('2026-11-24T09:00:00.000Z');
  for (const path of SIMULATED_PATHS)
    await db.store.append(
      orderStreamId(`shape-${path}`),
      'no_stream',
      sagaEvents({ orderId: `shape-${path}`, path, at }).map(toNewEvent),
    );
  // One event per transaction: every step starts from the stored row, not from a page in memory.
  await project(db.pool, orderSummary.projection({ notify: false }), { oneByOne: true });
  // No vault entries: every answer reads `customer: null`, from the read model and the fold alike.
  queries = postgresOrderQueries(db.pool, { personalData: async () => new Map(), ordersOf: async () => [] });
});
afterAll(() => db.drop());

/** Same keys, same values, and nothing the Order schema does not name. */
function expectSameOrder(answer: OrderView | null | undefined, readModel: OrderView, how: string): void {
  expect(answer, how).toBeTruthy();
  expect(Object.keys(answer!).sort(), `${how}: keys`).toEqual(Object.keys(readModel).sort());
  expect(answer, how).toStrictEqual(readModel);
  expect(OrderAnswer.safeParse(answer).error, how).toBeUndefined();
}

test.each(SIMULATED_PATHS)(
  '%s: the read model answers field for field what the fold of its events does',
  async (path) => {
    const orderId = `shape-${path}`;
    const readModel = await queries.getOrder(orderId);
    expect(readModel).not.toBeNull();
    expect(OrderAnswer.safeParse(readModel).error).toBeUndefined();
    const last = (await queries.orderEvents(orderId)).at(-1)!;
    expect(readModel!.position).toBe(last.position);

    expectSameOrder(
      await queries.orderAsOf(orderId, { position: last.position }),
      readModel!,
      'asOf position',
    );
    expectSameOrder(
      await queries.orderAsOf(orderId, { time: new Date(last.recordedAt) }),
      readModel!,
      'asOf time',
    );
    // After the last event: the current state.
    expectSameOrder(
      await queries.orderAsOf(orderId, { position: 999_999_999_999_999 }),
      readModel!,
      'asOf a later position',
    );
    expectSameOrder(
      await queries.orderAsOf(orderId, { time: new Date('9999-12-31T23:59:59Z') }),
      readModel!,
      'asOf a future instant',
    );
    expectSameOrder((await queries.orderChangesAfter(orderId, 0)).at(-1)?.order, readModel!, 'order stream');
    const listed = (await queries.listOrders({ limit: 100 })).orders.find(
      (order) => order.orderId === orderId,
    );
    expectSameOrder(listed, readModel!, 'list and board stream');
  },
);
