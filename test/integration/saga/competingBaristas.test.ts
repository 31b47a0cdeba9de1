import { afterAll, beforeAll, expect, test } from 'vitest';
import { orderNumber } from '../../../domain';
import {
  confirmPickUp,
  OrderSagaClosedError,
  orderSagaStatus,
  startOrderSaga,
} from '../../../workflows/client';
import { waitFor } from '../../support/waitFor';
import { startBaristaProcess } from './baristaProcess';
import { devServerSaga } from './devServerSaga';

let shop: Awaited<ReturnType<typeof devServerSaga>>;
beforeAll(async () => {
  shop = await devServerSaga();
});
afterAll(() => shop?.close());

test('orders flow through two competing baristas, and are found by status and order number in visibility', async () => {
  // Two barista processes (bin/barista.ts), one drink at a time each, competing for one queue.
  const baristas = await Promise.all([0, 1].map(() => startBaristaProcess(shop.baristaQueue)));
  const orders = await shop.ordersWorker();
  const running = orders.run();

  const placedOrders = await Promise.all(
    Array.from({ length: 6 }, () => shop.order([{ drink: 'espresso', quantity: 2 }])),
  );
  const started = await Promise.all(
    placedOrders.map((order) => startOrderSaga(shop.client, order, { taskQueue: shop.ordersQueue })),
  );
  for (const [index, { placed }] of started.entries()) {
    const [first] = await shop.store.readStream(`order-${placedOrders[index]!.orderId}`);
    expect(placed).toMatchObject({ status: 'PLACED', position: first!.position });
  }
  // update-with-start is idempotent per order id: the same answer, no second saga.
  const again = await startOrderSaga(shop.client, placedOrders[0]!, { taskQueue: shop.ordersQueue });
  expect(again.placed).toEqual(started[0]!.placed);

  await Promise.all(
    placedOrders.map(async (order) => {
      await waitFor(async () => (await orderSagaStatus(shop.client, order.orderId)).status === 'READY', {
        timeoutMs: 30_000,
      });
      const completed = await confirmPickUp(shop.client, order.orderId);
      expect(completed.status).toBe('COMPLETED');
    }),
  );
  const outcomes = await Promise.all(started.map(({ handle }) => handle.result()));
  expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(6).fill('COMPLETED'));

  // Both baristas brewed: the worker identities that started the brew activities.
  const brewers = new Set<string>();
  for (const { handle } of started)
    for (const event of (await handle.fetchHistory()).events ?? [])
      if (
        event.activityTaskStartedEventAttributes?.identity &&
        event.activityTaskStartedEventAttributes.attempt
      )
        brewers.add(event.activityTaskStartedEventAttributes.identity);
  const baristaIdentities = baristas.map((barista) => `${barista.pid}@`);
  for (const identity of baristaIdentities)
    expect([...brewers].some((brewer) => brewer.startsWith(identity))).toBe(true);

  // A finished order is never started again: a retried POST after completion must not brew twice.
  await expect(
    startOrderSaga(shop.client, placedOrders[0]!, { taskQueue: shop.ordersQueue }),
  ).rejects.toThrow(OrderSagaClosedError);

  const description = await started[0]!.handle.describe();
  // No name in the summary (search attributes and summaries are for operators, not personal data).
  const number = orderNumber(placedOrders[0]!.orderId);
  expect(await description.staticSummary()).toBe(`2× espresso, order ${number} — $6.00`);

  // Visibility lags a moment behind: poll.
  const numbers = placedOrders.map((order) => `'${orderNumber(order.orderId)}'`).join(', ');
  const query = `OrderStatus='COMPLETED' AND OrderNumber IN (${numbers})`;
  await waitFor(async () => {
    let found = 0;
    for await (const _ of shop.client.workflow.list({ query })) found += 1;
    return found === 6;
  });

  orders.shutdown();
  await running;
  // SIGTERM lets each barista finish and exit cleanly.
  expect(await Promise.all(baristas.map((barista) => barista.stop()))).toEqual([0, 0]);
});
