import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { brewSecondsOf, type Drink, personalDataOf, placeOrder } from '../domain';
import { createEventStore, migrateEventStore } from '../eventstore';
import { randomKeyring } from '../keys';
import { createCoffeeMachineSimulator, createPaymentSimulator } from '../simulators';
import { createVault, migrateVault } from '../vault';
import { createBaristaWorker } from '../workers/baristaWorker';
import { createOrdersWorker, ORDER_WORKFLOWS_PATH, vaultPorts } from '../workers/ordersWorker';
import { startOrderSaga } from '../workflows/client';
import { pickUpSignal } from '../workflows/definitions';
import { openBenchShop, silent } from './support/benchShop';
import { machineFacts, quantile, round } from './support/measure';

// npm run bench:barista — one barista, a burst of popular drinks arriving at a fixed rate, brewed one
// order at a time and then in batches, in the same run. Prints one JSON object.
const ORDERS = Number(process.env.BENCH_ORDERS ?? 60);
const RATE = Number(process.env.BENCH_RATE ?? 5); // orders per second
const MACHINE_RUNS = 2; // the barista's machine runs at once
const BREW_SCALE = 0.02; // a latte in 1.2 s: one by one, two runs make ~2 orders/s, below the rate
const BATCHING = { windowMs: 300, maxCups: 6 };
const BATCH_CUP_FACTOR = 0.25;
const DRINKS: Drink[] = ['latte', 'cappuccino', 'espresso'];

const { pool, nativeConnection, client, dataConverter, close } = await openBenchShop('barista');

try {
  await migrateEventStore(pool);
  await migrateVault(pool);
  const vault = createVault(pool, randomKeyring('bench-vault'));
  const store = createEventStore(pool);
  const machine = { brewScale: BREW_SCALE, tickMs: 200, batchCupFactor: BATCH_CUP_FACTOR };
  const ordersWorker = await createOrdersWorker({
    connection: nativeConnection,
    taskQueue: 'bench-orders',
    appendToStream: store.append,
    readStream: (streamId) => store.readStream(streamId),
    paymentGateway: createPaymentSimulator(),
    ...vaultPorts(vault),
    dataConverter,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: ORDER_WORKFLOWS_PATH, logger: silent }),
  });
  // The same barista twice, each on its own queue, so both phases share every other piece.
  const baristas = {
    oneByOne: await createBaristaWorker({
      connection: nativeConnection,
      taskQueue: 'bench-barista-one-by-one',
      coffeeMachine: createCoffeeMachineSimulator(machine),
      maxConcurrentBrews: MACHINE_RUNS,
      dataConverter,
    }),
    batched: await createBaristaWorker({
      connection: nativeConnection,
      taskQueue: 'bench-barista-batched',
      coffeeMachine: createCoffeeMachineSimulator(machine),
      maxConcurrentBrews: MACHINE_RUNS,
      dataConverter,
      batching: BATCHING,
    }),
  };
  const workers = [ordersWorker, baristas.oneByOne, baristas.batched];
  const running = workers.map((worker) => worker.run());

  /** A burst of `count` orders at RATE per second; each order's start→READY, and orders/s to READY. */
  async function burst(count: number, baristaTaskQueue: string) {
    const starts = new Map<string, number>();
    const sagas: Promise<unknown>[] = [];
    const began = Date.now();
    for (let index = 0; index < count; index += 1) {
      const due = began + (index * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
      const command = {
        customer: 'Bench',
        items: [{ drink: DRINKS[index % DRINKS.length]!, size: 'medium' as const, quantity: 1 }],
        payment: { token: 'tok_visa_4242' },
      };
      const orderId = randomUUID();
      await vault.keep(orderId, personalDataOf(command));
      const input = { ...placeOrder(command, { orderId, now: new Date().toISOString() }), baristaTaskQueue };
      starts.set(`order-${input.orderId}`, Date.now());
      sagas.push(
        startOrderSaga(client, input, { taskQueue: 'bench-orders' }).then(async ({ handle }) => {
          await handle.signal(pickUpSignal); // sticky: taken the moment it is READY
          await handle.result();
        }),
      );
    }
    await Promise.all(sagas);
    const { rows } = await pool.query(
      `SELECT stream_id, recorded_at FROM events WHERE type = 'OrderReady' AND stream_id = ANY($1)`,
      [[...starts.keys()]],
    );
    const ready = rows.map((row) => new Date(row.recorded_at).getTime());
    const readyMs = rows.map((row, index) => ready[index]! - starts.get(row.stream_id)!);
    const seconds = (Math.max(...ready) - began) / 1000;
    const sorted = readyMs.sort((a, b) => a - b);
    return {
      orders: rows.length,
      ordersPerSecondToReady: round(rows.length / seconds),
      p50StartToReadyMs: Math.round(quantile(sorted, 0.5)),
      p99StartToReadyMs: Math.round(quantile(sorted, 0.99)),
    };
  }

  await burst(6, 'bench-barista-one-by-one'); // warm-up: bundles, connections, pools
  await burst(6, 'bench-barista-batched');
  const oneByOne = await burst(ORDERS, 'bench-barista-one-by-one');
  const batched = await burst(ORDERS, 'bench-barista-batched');

  for (const worker of workers) worker.shutdown();
  await Promise.all(running);
  await store.close();

  // One by one, the barista makes at most this many orders per second: machine runs / mean brew time.
  const meanBrewSeconds = DRINKS.reduce((sum, drink) => sum + brewSecondsOf(drink), 0) / DRINKS.length;
  const oneByOneCapacity = MACHINE_RUNS / (BREW_SCALE * meanBrewSeconds);
  console.log(
    JSON.stringify({
      benchmark: 'barista',
      inputs: {
        orders: ORDERS,
        ratePerSecond: RATE,
        drinks: DRINKS.map((drink) => `1× medium ${drink}`),
        barista: `one worker, ${MACHINE_RUNS} machine runs at once, brewScale ${BREW_SCALE}`,
        batching: { ...BATCHING, batchCupFactor: BATCH_CUP_FACTOR },
        oneByOneCapacityOrdersPerSecond: round(oneByOneCapacity),
        saturated: RATE > oneByOneCapacity,
        postgres: 'embedded, fsync off',
        temporal: 'dev server (temporal server start-dev, in-memory)',
      },
      machine: machineFacts(),
      oneByOne,
      batched,
      batchingSpeedup: round(batched.ordersPerSecondToReady / oneByOne.ordersPerSecondToReady),
    }),
  );
} finally {
  await close();
}
