import { afterAll, beforeAll, expect, test } from 'vitest';
import { createCoffeeMachineSimulator, reconcilePayments } from '../../../simulators';
import { SAGA_PATHS } from '../../../simulators/sagaPaths';
import { createBaristaWorker } from '../../../workers/baristaWorker';
import { orderSagaStatus, pickUpOrder, startOrderSaga } from '../../../workflows/client';
import { testDataConverter } from '../../support/secrets';
import { waitFor } from '../../support/waitFor';
import { devServerSaga } from './devServerSaga';

let shop: Awaited<ReturnType<typeof devServerSaga>>;
beforeAll(async () => {
  shop = await devServerSaga();
});
afterAll(() => shop?.close());

// Orders here give up on the card after 10 s, in attempts of 2 s: the gateway's answers at 3 s (late)
// and at 14 s (after the give-up) really arrive on the dev server's clock.
const GATEWAY = { lateMs: 3_000, silentMs: 14_000 };
const HURRIED = { paymentGiveUpSeconds: 10 };

async function withShop<T>(fn: () => Promise<T>): Promise<T> {
  const barista = await createBaristaWorker({
    connection: shop.nativeConnection,
    taskQueue: shop.baristaQueue,
    dataConverter: testDataConverter,
    coffeeMachine: createCoffeeMachineSimulator({ brewScale: 0.005, tickMs: 50 }),
  });
  const orders = await shop.ordersWorker(GATEWAY);
  return orders.runUntil(barista.runUntil(fn));
}

test('a late authorization is found by the next attempt: the customer pays the total exactly once', async () => {
  const order = await shop.order([{ drink: 'latte', quantity: 2 }], { paymentToken: 'tok_late', ...HURRIED });
  const outcome = await withShop(async () => {
    const { handle } = await startOrderSaga(shop.client, order, { taskQueue: shop.ordersQueue });
    await waitFor(async () => (await orderSagaStatus(shop.client, order.orderId)).status === 'READY', {
      timeoutMs: 30_000,
    });
    expect((await orderSagaStatus(shop.client, order.orderId)).attempts.authorizePayment).toBeGreaterThan(1);
    await pickUpOrder(shop.client, order.orderId);
    return handle.result();
  });
  expect(outcome.status).toBe('COMPLETED');
  expect((await shop.store.readStream(`order-${order.orderId}`)).map((e) => e.type)).toEqual(
    SAGA_PATHS.happy.events,
  );
  expect(await shop.gateway().balance(order.orderId)).toEqual({ held: 0, taken: order.total.amount });
});

test('an authorization that lands after the give-up hits a voided key: the customer pays nothing', async () => {
  const order = await shop.order([{ drink: 'mocha' }], {
    paymentToken: SAGA_PATHS.gatewaySlowerThanGiveUp.token,
    ...HURRIED,
  });
  const outcome = await withShop(async () => {
    const { handle } = await startOrderSaga(shop.client, order, { taskQueue: shop.ordersQueue });
    return handle.result();
  });
  expect(outcome.status).toBe('FAILED');
  expect((await shop.store.readStream(`order-${order.orderId}`)).map((e) => e.type)).toEqual(
    SAGA_PATHS.gatewaySlowerThanGiveUp.events,
  );
  const payment = (await shop.book.find(`order-${order.orderId}/authorize`))!;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, payment.settlesAtMs! - Date.now()) + 200));
  expect(await shop.book.find(`order-${order.orderId}/authorize`)).toMatchObject({ status: 'voided' });
  expect(await shop.gateway().balance(order.orderId)).toEqual({ held: 0, taken: 0 });
  // And the books agree with the log, for every order of this file.
  const report = await reconcilePayments(shop.db.pool);
  expect(report).toMatchObject({ discrepancies: [], strandedPayments: 0 });
}, 60_000);
