import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { personalDataOf, placeOrder } from '../domain';
import { createEventStore, migrateEventStore } from '../eventstore';
import { randomKeyring } from '../keys';
import { createCoffeeMachineSimulator, createPaymentSimulator } from '../simulators';
import { SAGA_PATHS } from '../simulators/sagaPaths';
import { createVault, migrateVault } from '../vault';
import { createBaristaWorker } from '../workers/baristaWorker';
import { createOrdersWorker, ORDER_WORKFLOWS_PATH, vaultPorts } from '../workers/ordersWorker';
import { LOCAL_APPENDS_BY_DEFAULT } from '../workflows/activityOptions';
import { startOrderSaga } from '../workflows/client';
import { pickUpSignal } from '../workflows/definitions';
import { activityMix, historyCounts } from './saga/historyCounts';
import type { BareStep } from './sagaBareWorkflow';
import { openBenchShop, silent } from './support/benchShop';
import { machineFacts, quantile, round } from './support/measure';

// npm run bench:saga — 200 happy-path orders (pickup signalled at once) at a fixed concurrency, then
// the same number of bare workflows running the same activities as no-ops. Prints one JSON object.
const ORDERS = Number(process.env.BENCH_ORDERS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const WARMUP = 20;
const ROUNDS = 8;

const { pool, nativeConnection, client, dataConverter, close } = await openBenchShop('saga');

try {
  await migrateEventStore(pool);
  await migrateVault(pool);
  const vault = createVault(pool, randomKeyring('bench-vault'));
  const store = createEventStore(pool);
  const queues = {
    orders: 'bench-orders',
    barista: 'bench-barista',
    bare: 'bench-bare',
    bareBarista: 'bench-bare-barista',
  };
  const ordersWorker = await createOrdersWorker({
    connection: nativeConnection,
    taskQueue: queues.orders,
    appendToStream: store.append,
    readStream: (streamId) => store.readStream(streamId),
    paymentGateway: createPaymentSimulator(),
    ...vaultPorts(vault),
    dataConverter,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: ORDER_WORKFLOWS_PATH, logger: silent }),
  });
  const baristaWorker = await createBaristaWorker({
    connection: nativeConnection,
    taskQueue: queues.barista,
    coffeeMachine: createCoffeeMachineSimulator({ brewScale: 0 }),
    maxConcurrentBrews: CONCURRENCY,
    dataConverter,
  });
  const noop = { noop: async () => {} };
  const bareWorker = await Worker.create({
    connection: nativeConnection,
    taskQueue: queues.bare,
    dataConverter,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./sagaBareWorkflow.ts', import.meta.url)),
      logger: silent,
    }),
    activities: noop,
  });
  const bareBarista = await Worker.create({
    connection: nativeConnection,
    taskQueue: queues.bareBarista,
    dataConverter,
    activities: noop,
  });
  const workers = [ordersWorker, baristaWorker, bareWorker, bareBarista];
  const running = workers.map((worker) => worker.run());

  const order = async (localAppends: boolean) => {
    const command = {
      customer: 'Bench',
      items: [{ drink: 'latte' as const, size: 'medium' as const, quantity: 2 }],
      payment: { token: SAGA_PATHS.happy.token },
    };
    const orderId = randomUUID();
    await vault.keep(orderId, personalDataOf(command));
    return {
      ...placeOrder(command, { orderId, now: new Date().toISOString() }),
      baristaTaskQueue: queues.barista,
      localAppends,
    };
  };

  /** Runs `count` orders; returns the wall time and each order's start→READY latency. */
  async function runOrders(count: number, localAppends: boolean) {
    const starts = new Map<string, number>();
    // What the API does before a saga starts (pricing, the vault keeping name and card) is not timed.
    const inputs = await Promise.all(Array.from({ length: count }, () => order(localAppends)));
    const started = performance.now();
    await pooled(count, async () => {
      const input = inputs.pop()!;
      starts.set(`order-${input.orderId}`, Date.now());
      const { handle } = await startOrderSaga(client, input, { taskQueue: queues.orders });
      await handle.signal(pickUpSignal);
      await handle.result();
    });
    const seconds = (performance.now() - started) / 1000;
    const { rows } = await pool.query(
      `SELECT stream_id, recorded_at FROM events WHERE type = 'OrderReady' AND stream_id = ANY($1)`,
      [[...starts.keys()]],
    );
    const readyMs = rows.map((row) => new Date(row.recorded_at).getTime() - starts.get(row.stream_id)!);
    const appended = await pool.query('SELECT count(*) FROM events WHERE stream_id = ANY($1)', [
      [...starts.keys()],
    ]);
    return { seconds, readyMs, events: Number(appended.rows[0].count), workflowIds: [...starts.keys()] };
  }

  const bareIds: Record<string, string[]> = {};
  async function runBare(count: number, steps: BareStep[]) {
    const ids: string[] = [];
    const started = performance.now();
    await pooled(count, () => {
      const workflowId = `bare-${randomUUID()}`;
      ids.push(workflowId);
      return client.workflow.execute('bareWorkflow', {
        taskQueue: queues.bare,
        workflowId,
        args: [steps, queues.bareBarista],
      });
    });
    bareIds[steps.join()] = ids;
    return (performance.now() - started) / 1000;
  }

  // Two baselines: every activity regular (remote), and the headline's: exactly the activity mix
  // (local where the saga runs a local activity) read off a finished local-append saga's history.
  await runOrders(WARMUP, false);
  const warm = await runOrders(WARMUP, true);
  const MIXED = await activityMix(client, warm.workflowIds.at(-1)!, queues.barista);
  const REGULAR = MIXED.map((step): BareStep => (step === 'local' ? 'remote' : step));
  await runBare(WARMUP, REGULAR);
  await runBare(WARMUP, MIXED);
  // All four phases alternate in rounds, so a neighbour's load on this shared machine hits each alike.
  const perRound = Math.ceil(ORDERS / ROUNDS);
  const phase = () => ({ seconds: 0, readyMs: [] as number[], events: 0, workflowIds: [] as string[] });
  const saga = { remote: phase(), local: phase() };
  const bare = { regular: 0, mixed: 0 };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const mode of ['remote', 'local'] as const) {
      const result = await runOrders(perRound, mode === 'local');
      saga[mode].seconds += result.seconds;
      saga[mode].readyMs.push(...result.readyMs);
      saga[mode].events += result.events;
      saga[mode].workflowIds = result.workflowIds;
    }
    bare.regular += await runBare(perRound, REGULAR);
    bare.mixed += await runBare(perRound, MIXED);
  }
  const runs = perRound * ROUNDS;
  const bareRegularPerSecond = runs / bare.regular;
  const bareMixedPerSecond = runs / bare.mixed;
  const results = Object.fromEntries(
    await Promise.all(
      (['remote', 'local'] as const).map(async (mode) => {
        const ordersPerSecond = runs / saga[mode].seconds;
        return [
          mode,
          {
            ordersPerSecond: round(ordersPerSecond),
            p50StartToReadyMs: percentile(saga[mode].readyMs, 0.5),
            p99StartToReadyMs: percentile(saga[mode].readyMs, 0.99),
            eventsAppended: saga[mode].events,
            ratioToBareWorkflow: round(
              ordersPerSecond / (mode === 'local' ? bareMixedPerSecond : bareRegularPerSecond),
            ),
            perOrder: await historyCounts(client, saga[mode].workflowIds),
          },
        ];
      }),
    ),
  ) as unknown as Record<'remote' | 'local', Record<string, number> & { ordersPerSecond: number }>;
  // The headline is the saga as deployed (LOCAL_APPENDS_BY_DEFAULT) against its own activity mix.
  const chosen = LOCAL_APPENDS_BY_DEFAULT ? 'local' : 'remote';
  const bareWorkflow = {
    sameMix: MIXED.join(' → '),
    sameMixRunsPerSecond: round(bareMixedPerSecond),
    sameMixPerRun: await historyCounts(client, bareIds[MIXED.join()]!),
    regularActivitiesRunsPerSecond: round(bareRegularPerSecond),
    regularActivitiesPerRun: await historyCounts(client, bareIds[REGULAR.join()]!),
    localAppendSagaRatioToRegular: round(runs / saga.local.seconds / bareRegularPerSecond),
  };

  for (const worker of workers) worker.shutdown();
  await Promise.all(running);
  await store.close();

  console.log(
    JSON.stringify({
      benchmark: 'saga',
      inputs: {
        orders: ORDERS,
        concurrency: CONCURRENCY,
        warmupPerPhase: WARMUP,
        order: '2× latte, tok_visa_4242, pickup signalled at once',
        simulators: 'instant brew (brewScale 0), gateway without latency',
        rounds: ROUNDS,
        baseline:
          'bareWorkflow: no-op activities in the saga happy path mix (local/regular/barista queue, read off its history); byAppendMode.remote compares against all regular',
        bar: { ratioToBareWorkflow: 0.85 },
        postgres: 'embedded, fsync off',
        temporal: 'dev server (temporal server start-dev, in-memory)',
      },
      machine: machineFacts(),
      appendsAs: chosen,
      ...results[chosen],
      bareWorkflow,
      byAppendMode: results,
      pass: (results[chosen].ratioToBareWorkflow ?? 0) >= 0.85,
    }),
  );
} finally {
  await close();
}

async function pooled(count: number, task: () => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
      while (next < count) {
        next += 1;
        await task();
      }
    }),
  );
}

// A function declaration (hoisted): the run above calls it. Empty reads 0 in the JSON, not null.
function percentile(values: number[], q: number): number {
  return values.length === 0
    ? 0
    : quantile(
        [...values].sort((a, b) => a - b),
        q,
      );
}
