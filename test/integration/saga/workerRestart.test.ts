import { afterAll, beforeAll, expect, test } from 'vitest';
import { createCoffeeMachineSimulator } from '../../../simulators';
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

test('an orders worker stopped mid-saga is replaced and the order completes with no duplicate event, hold or capture', async () => {
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
  await waitFor(async () => (await orderSagaStatus(shop.client, order.orderId)).step === 'brewing', {
    timeoutMs: 30_000,
  });
  await stop(first);

  const second = await startOrdersWorker();
  await waitFor(async () => (await orderSagaStatus(shop.client, order.orderId)).status === 'READY', {
    timeoutMs: 30_000,
  });
  await stop(second);

  const third = await startOrdersWorker();
  await pickUpOrder(shop.client, order.orderId);
  const outcome = await handle.result();
  await stop(third);
  barista.shutdown();
  await baristaRunning;

  expect(outcome).toMatchObject({ status: 'COMPLETED', events: 7 });
  const events = await shop.store.readStream(`order-${order.orderId}`);
  expect(events.map((event) => event.type)).toEqual(SAGA_PATHS.happy.events);
  expect(new Set(events.map((event) => event.eventId)).size).toBe(7);
  expect(await shop.book.payments(order.orderId)).toEqual([expect.objectContaining({ status: 'captured' })]);
});
