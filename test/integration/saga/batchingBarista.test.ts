import { afterAll, beforeAll, expect, test } from 'vitest';
import { createCoffeeMachineSimulator } from '../../../simulators';
import { SAGA_PATHS } from '../../../simulators/sagaPaths';
import { createBaristaWorker } from '../../../workers/baristaWorker';
import { cancelOrder, confirmPickUp, orderSagaStatus, startOrderSaga } from '../../../workflows/client';
import { testDataConverter } from '../../support/secrets';
import { waitFor } from '../../support/waitFor';
import { devServerSaga } from './devServerSaga';

let shop: Awaited<ReturnType<typeof devServerSaga>>;
beforeAll(async () => {
  shop = await devServerSaga();
});
afterAll(() => shop?.close());

const CANCELLED_MID_BATCH = SAGA_PATHS.cancelWhileBrewing.events;

test('one batching barista makes 12 orders in a batch per drink; a cancel pulls one cup, the rest of its batch is READY', async () => {
  // A tea takes 3.6 s here, a batch of four 6.3 s: time to cancel one mid-batch.
  const machine = createCoffeeMachineSimulator({ brewScale: 0.02, tickMs: 100, batchCupFactor: 0.25 });
  const barista = await createBaristaWorker({
    connection: shop.nativeConnection,
    taskQueue: shop.baristaQueue,
    dataConverter: testDataConverter,
    coffeeMachine: machine,
    maxConcurrentBrews: 3,
    batching: { windowMs: 2_000, maxCups: 6 },
  });
  const orders = await shop.ordersWorker();
  const drinks = ['latte', 'espresso', 'tea'] as const;
  const placed = await Promise.all(
    Array.from({ length: 12 }, (_, index) => shop.order([{ drink: drinks[index % 3]! }])),
  );
  const drinkOf = (orderId: string) => placed.find((order) => order.orderId === orderId)!.items[0]!.drink;
  const leaving = placed[2]!; // a tea

  await orders.runUntil(
    barista.runUntil(async () => {
      await Promise.all(
        placed.map((order) => startOrderSaga(shop.client, order, { taskQueue: shop.ordersQueue })),
      );
      await waitFor(
        async () =>
          machine.runs().some((run) => run.orderIds.includes(leaving.orderId) && run.outcome === 'brewing'),
        { timeoutMs: 30_000, what: 'the leaving order to be brewing' },
      );
      const cancelled = await cancelOrder(shop.client, leaving.orderId, { reason: 'had to run' });
      expect(cancelled).toMatchObject({ status: 'CANCELLED' });
      await Promise.all(
        placed
          .filter((order) => order !== leaving)
          .map(async (order) => {
            await waitFor(
              async () => (await orderSagaStatus(shop.client, order.orderId)).status === 'READY',
              { timeoutMs: 30_000, what: `order ${order.orderId} to be READY` },
            );
            expect(await confirmPickUp(shop.client, order.orderId)).toMatchObject({ status: 'COMPLETED' });
          }),
      );
    }),
  );

  // Every order's events are exactly its path's; each READY names the batch that made its drink.
  const batchOf = new Map<string, string>();
  for (const order of placed) {
    const events = await shop.store.readStream(`order-${order.orderId}`);
    if (order === leaving) {
      expect(events.map((event) => event.type)).toEqual(CANCELLED_MID_BATCH);
      expect(events[3]!.data).toMatchObject({ reason: 'cancelled' });
      continue;
    }
    expect(events.map((event) => event.type)).toEqual(SAGA_PATHS.happy.events);
    const ready = events.find((event) => event.type === 'OrderReady')!;
    const { batchIds } = ready.data as { batchIds: string[] };
    expect(batchIds).toHaveLength(1);
    batchOf.set(order.orderId, batchIds[0]!);
  }
  // Orders of the same drink share a batch id; different drinks never do.
  for (const drink of drinks) {
    const ids = new Set([...batchOf].filter(([orderId]) => drinkOf(orderId) === drink).map(([, id]) => id));
    expect(ids.size, `${drink} batches`).toBe(1);
  }
  expect(new Set(batchOf.values()).size).toBe(3);
  // The tea batch kept brewing for the three who stayed: one machine run, made, not stopped.
  const teaRun = machine.runs().find((run) => run.drink === 'tea')!;
  expect(teaRun).toMatchObject({ cups: 4, outcome: 'made', batchId: batchOf.get(placed[5]!.orderId) });
  expect(machine.runs()).toHaveLength(3);
  // The one who left was only held, and the hold released: never charged.
  expect(await shop.book.payments(leaving.orderId)).toEqual([expect.objectContaining({ status: 'voided' })]);
});
