import { afterAll, beforeAll, expect, test } from 'vitest';
import { createCoffeeMachineSimulator } from '../../../simulators';
import { createBaristaWorker } from '../../../workers/baristaWorker';
import { orderSagaStatus, pickUpOrder, startOrderSaga } from '../../../workflows/client';
import { COMPLETED_ORDER_EVENTS } from '../../support/orderPaths';
import { testDataConverter } from '../../support/secrets';
import { waitFor } from '../../workflows/sagaHarness';
import { devServerSaga } from './devServerSaga';

let shop: Awaited<ReturnType<typeof devServerSaga>>;
beforeAll(async () => {
  shop = await devServerSaga();
});
afterAll(() => shop?.close());

test('an orders worker stopped mid-saga is replaced and the order completes with no duplicate event or charge', async () => {
  // A latte takes 1.5 s here: time to stop the orders worker while it brews.
  const barista = await createBaristaWorker({
    connection: shop.nativeConnection,
    taskQueue: shop.baristaQueue,
    dataConverter: testDataConverter,
    coffeeMachine: createCoffeeMachineSimulator({ brewScale: 0.025, tickMs: 100 }),
  });
  const baristaRunning = barista.run();
  const startOrdersWorker = async () => {
    const worker = await shop.ordersWorker();
    return { worker, running: worker.run() };
  };
  const stop = async ({ worker, running }: Awaited<ReturnType<typeof startOrdersWorker>>) => {
    worker.shutdown();
    await running;
  };

  const order = await shop.order([{ drink: 'latte', quantity: 2 }], { paymentToken: 'tok_flaky' });
  const first = await startOrdersWorker();
  const { handle } = await startOrderSaga(shop.client, order, { taskQueue: shop.ordersQueue });
  await waitFor(async () => (await orderSagaStatus(shop.client, order.orderId)).step === 'brewing', 30_000);
  await stop(first);

  const second = await startOrdersWorker();
  await waitFor(async () => (await orderSagaStatus(shop.client, order.orderId)).status === 'READY', 30_000);
  await stop(second);

  const third = await startOrdersWorker();
  await pickUpOrder(shop.client, order.orderId);
  const outcome = await handle.result();
  await stop(third);
  barista.shutdown();
  await baristaRunning;

  expect(outcome).toMatchObject({ status: 'COMPLETED', events: 6 });
  const events = await shop.store.readStream(`order-${order.orderId}`);
  expect(events.map((event) => event.type)).toEqual(COMPLETED_ORDER_EVENTS);
  expect(new Set(events.map((event) => event.eventId)).size).toBe(6);
  const charges = (await shop.ledger.entries(order.orderId)).filter((entry) => entry.kind === 'charge');
  expect(charges).toHaveLength(1);
});
