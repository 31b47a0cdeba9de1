import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { orderStreamId } from '../../../domain/events';
import { getOrderSummary, listOrders, orderSummary } from '../../../projections';
import { line, type OrderSpec, sagaEvents, toNewEvent } from '../../../simulators/simulatedOrders';
import { type ProjectionsDatabase, project, projectionsDatabase } from './support';

let db: ProjectionsDatabase;
beforeAll(async () => {
  db = await projectionsDatabase();
});
afterAll(() => db.drop());

const at = new Date('2026-11-24T09:00:00.000Z');
const minute = (n: number) => new Date(at.getTime() + n * 60_000).toISOString();

/** Given these orders' events in the log, when the order summary has projected them. */
async function given(...orders: OrderSpec[]): Promise<void> {
  for (const order of orders)
    await db.store.append(orderStreamId(order.orderId), 'no_stream', sagaEvents(order).map(toNewEvent));
  await db.pool.query('TRUNCATE order_summary');
  await project(db.pool, orderSummary.projection({ notify: false }));
}

describe('order summary', () => {
  test('an authorize/capture order reads PAID once held, COMPLETED in the end; a voided one refunds nothing', async () => {
    await given(
      { orderId: 'held', path: 'heldCompleted', at, items: [line('mocha', 1)] },
      { orderId: 'voided', path: 'heldFailed', at, items: [line('tea', 1)] },
    );
    expect(await getOrderSummary(db.pool, 'held')).toMatchObject({
      status: 'COMPLETED',
      refunded: { amount: 0, currency: 'USD' },
      timestamps: { paidAt: minute(1), readyAt: minute(4) },
    });
    expect(await getOrderSummary(db.pool, 'voided')).toMatchObject({
      status: 'FAILED',
      refunded: { amount: 0, currency: 'USD' },
      timestamps: { paidAt: minute(1), refundedAt: null },
    });
  });

  test('a picked-up order reads COMPLETED, with its items, total and every step timed', async () => {
    await given({ orderId: 'happy', path: 'completed', customer: 'Ana', at, items: [line('latte', 2)] });
    expect(await getOrderSummary(db.pool, 'happy')).toMatchObject({
      orderId: 'happy',
      customerRef: 'vault:happy/customer',
      status: 'COMPLETED',
      items: [{ drink: 'latte', quantity: 2 }],
      total: { amount: 900, currency: 'USD' },
      refunded: { amount: 0, currency: 'USD' },
      notified: true,
      reason: null,
      version: 7,
      updatedAt: minute(6),
      timestamps: {
        placedAt: minute(0),
        paidAt: minute(1),
        brewingAt: minute(2),
        readyAt: minute(3),
        notifiedAt: minute(4),
        pickedUpAt: minute(5),
        completedAt: minute(6),
        failedAt: null,
        refundedAt: null,
      },
    });
  });

  test('a declined card reads REJECTED with the reason, nothing charged', async () => {
    await given({ orderId: 'declined', path: 'declined', at });
    expect(await getOrderSummary(db.pool, 'declined')).toMatchObject({
      status: 'REJECTED',
      reason: 'card declined',
      timestamps: { paidAt: null, declinedAt: minute(1), rejectedAt: minute(2) },
    });
  });

  test('a brew failure reads FAILED with the full refund', async () => {
    await given({ orderId: 'failed', path: 'failed', at, items: [line('mocha', 1)] });
    expect(await getOrderSummary(db.pool, 'failed')).toMatchObject({
      status: 'FAILED',
      refunded: { amount: 500, currency: 'USD' },
      timestamps: { discardedAt: minute(3), refundedAt: minute(4), failedAt: minute(5) },
    });
  });

  test('a cancellation before payment reads CANCELLED with a zero refund', async () => {
    await given({ orderId: 'cancelled', path: 'cancelledUnpaid', at });
    expect(await getOrderSummary(db.pool, 'cancelled')).toMatchObject({
      status: 'CANCELLED',
      refunded: { amount: 0 },
      reason: 'customer',
    });
  });

  test('a drink never picked up reads ABANDONED, not refunded', async () => {
    await given({ orderId: 'abandoned', path: 'abandoned', at });
    expect(await getOrderSummary(db.pool, 'abandoned')).toMatchObject({
      status: 'ABANDONED',
      refunded: { amount: 0 },
      pickupDeadline: new Date(at.getTime() + 3_600_000).toISOString(),
    });
  });

  test('an unknown order is null', async () => {
    expect(await getOrderSummary(db.pool, 'nobody')).toBeNull();
  });

  test("orders list newest first, filter by status and by order ids (a customer's, from the vault), and page with a cursor", async () => {
    await given(
      ...['a', 'b', 'c', 'd', 'e'].map((suffix, i) => ({
        orderId: `list-${suffix}`,
        path: i % 2 ? ('completed' as const) : ('queued' as const),
        customer: i < 3 ? 'Zoé' : 'Yann',
        at,
      })),
    );
    const zoe = ['list-a', 'list-b', 'list-c'];
    const first = await listOrders(db.pool, { orderIds: zoe, limit: 2 });
    expect(first.orders.map((o) => o.orderId)).toEqual(['list-c', 'list-b']);
    const second = await listOrders(db.pool, { orderIds: zoe, limit: 2, cursor: first.nextCursor! });
    expect(second.orders.map((o) => o.orderId)).toEqual(['list-a']);
    expect(second.nextCursor).toBeNull();
    const paid = await listOrders(db.pool, { status: 'PAID', orderIds: ['list-d', 'list-e'] });
    expect(paid.orders.map((o) => o.orderId)).toEqual(['list-e']);
  });

  test('an event for an order never placed is refused (a poison event, not a silent row)', async () => {
    await db.store.append(orderStreamId('ghost'), 'no_stream', [
      toNewEvent({
        type: 'PaymentCharged',
        data: { orderId: 'ghost', at: minute(0), amount: { amount: 1, currency: 'USD' }, chargeId: 'x' },
      }),
    ]);
    await expect(project(db.pool, orderSummary.projection({ notify: false }))).rejects.toThrow(
      /never placed/,
    );
  });
});
