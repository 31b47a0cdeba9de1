import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../embedded/postgres';
import { startTemporalDevServer } from '../embedded/temporal';
import { migrateEventStore } from '../eventstore';
import { newKeyEnv } from '../keys';
import { openBareUpdateWithStart } from './api/bareUpdateWithStart';
import { historyShapes } from './api/historyShape';
import { comparePlacement, PLACEMENT_BARS } from './api/placement';
import { untilQuiescent } from './api/quiescent';
import { measureReads } from './api/reads';
import { openApiStacks, postOrder } from './api/stacks';
import { machineFacts, round } from './support/measure';
import { cpuOfTrees, findProcess } from './support/processCpu';
import { serverCpuMeter } from './support/serverCpu';

// npm run bench:api — in one run on one machine: GET /orders/:id (authenticated) against a bare Express
// route answering the same object; POST /orders at a fixed rate against a bare update-with-start; each on
// an untraced and a traced API stack (bench/api/stacks.ts), rounds interleaved. Prints one JSON object.
// 10 s a round: rounds of 2.5 s swung 0.47–0.96 against the bare app within one run, rounds of 10 s 0.84–1.0.
const READ_SECONDS = Number(process.env.BENCH_READ_SECONDS ?? 60);
const READ_ROUNDS = 6;
const READ_CONNECTIONS = Number(process.env.BENCH_READ_CONNECTIONS ?? 10);
const WRITE_RATE = Number(process.env.BENCH_WRITE_RATE ?? 20);
const WRITE_SECONDS = Number(process.env.BENCH_WRITE_SECONDS ?? 30);
const WRITE_ROUNDS = Number(process.env.BENCH_WRITE_ROUNDS ?? 6);
// Tracing's cost on POST is measured where the machine keeps up with both stacks (see README).
const TRACE_WRITE_RATE = Number(process.env.BENCH_TRACE_WRITE_RATE ?? 5);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROF;

const machine = machineFacts();
const root = mkdtempSync(join(tmpdir(), 'brew-saga-bench-api-'));
const postgres = await startEmbeddedPostgres({ dataDir: join(root, 'pg'), unsafeFast: true });
const temporal = await startTemporalDevServer();
const pool = new pg.Pool({ connectionString: postgres.url, max: 10 });
const stops: Array<() => Promise<unknown>> = [];

try {
  await migrateEventStore(pool);
  const env = {
    ...process.env,
    DATABASE_URL: postgres.url,
    TEMPORAL_ADDRESS: temporal.address,
    LOG_LEVEL,
    BARISTA_CONCURRENCY: '50',
    COFFEE_BREW_SCALE: '0.001',
    COFFEE_TICK_MS: '50',
    // Fresh keys for this run, shared by every process (the codec seals each payload, as in production).
    ...newKeyEnv('bench-api'),
    API_TOKEN_SECRET: randomBytes(32).toString('base64'),
    // One load generator, one client address: the per-client limits would refuse the load itself.
    API_RATE_ORDERS: '1000000',
    API_RATE_COMMANDS: '1000000',
  };
  // Every process logs to one file, never to this JSON's stdout.
  const logFd = openSync(join(root, 'processes.log'), 'a');
  const stacks = await openApiStacks(env, logFd, CPU_PROFILE_DIR);
  stops.push(stacks.close);
  const reads = await measureReads(stacks, {
    seconds: READ_SECONDS,
    rounds: READ_ROUNDS,
    connections: READ_CONNECTIONS,
  });

  const bareOrders = await openBareUpdateWithStart(env, logFd);
  stops.push(bareOrders.close);
  const postgresCpuMs = await serverCpuMeter(pool);
  const processes = {
    apiOff: stacks.off.pid,
    workerOff: stacks.off.workerPid,
    apiOn: stacks.on.pid,
    workerOn: stacks.on.workerPid,
    ...stacks.shared,
    bareWorker: bareOrders.workerPid,
    temporal: findProcess('start-dev', `--port ${temporal.address.split(':')[1]}`) ?? -1,
  };
  // This process's own time only (the load generator): its tree holds every process above.
  const cpuMs = () => {
    const own = process.cpuUsage();
    return {
      ...cpuOfTrees(processes),
      postgres: postgresCpuMs?.() ?? 0,
      loadGenerator: (own.user + own.system) / 1000,
    };
  };
  const postOrders = await comparePlacement({
    cpuMs,
    quiescent: () => untilQuiescent(pool),
    postOrder: { off: () => postOrder(stacks.off.url), on: () => postOrder(stacks.on.url) },
    bareUpdateWithStart: bareOrders.place,
    rate: WRITE_RATE,
    traceRate: TRACE_WRITE_RATE,
    seconds: WRITE_SECONDS,
    rounds: WRITE_ROUNDS,
  });

  const historyPerOrder = await historyShapes(temporal.address, pool);
  const tracingCost = { ...reads.tracingCost, postOrdersP50OnToOff: postOrders.p50OnToOff };
  const atLeast = (value: number, min: number) => ({ value, min, pass: value >= min });
  const atMost = (value: number, max: number) => ({ value, max, pass: value <= max });
  const getErrors = (side: { api: { errors: number; non2xx: number } }) => side.api.errors + side.api.non2xx;
  const bars = {
    getOrderRatioToBareExpress: atLeast(reads.getOrder.tracingOff.ratioToBareExpress, 0.8),
    getOrderErrors: atMost(getErrors(reads.getOrder.tracingOff) + getErrors(reads.getOrder.tracingOn), 0),
    postOrdersRatioP50ToBareUpdateWithStart: atMost(
      postOrders.ratioP50ToBareUpdateWithStart,
      PLACEMENT_BARS.ratioP50ToBareUpdateWithStart,
    ),
    postOrdersRatioP99ToBareUpdateWithStart: atMost(
      postOrders.ratioP99ToBareUpdateWithStart,
      PLACEMENT_BARS.ratioP99ToBareUpdateWithStart,
    ),
    postOrdersErrors: atMost(postOrders.errors, 0),
    // Tracing on costs at most 10% of GET throughput and of POST p50.
    tracingGetOrderThroughputOnToOff: atLeast(tracingCost.getOrderThroughputOnToOff, 0.9),
    tracingPostOrdersP50OnToOff: atMost(tracingCost.postOrdersP50OnToOff, 1.1),
  };
  const result = {
    benchmark: 'api',
    inputs: {
      readSeconds: READ_SECONDS,
      readRounds: READ_ROUNDS,
      readConnections: READ_CONNECTIONS,
      writeRatePerSecond: WRITE_RATE,
      writeSeconds: WRITE_SECONDS,
      writeRounds: WRITE_ROUNDS,
      traceWriteRatePerSecond: TRACE_WRITE_RATE,
      apiLogLevel: LOG_LEVEL,
      // API_ACCESS_LOG_READS unset: a successful GET's `request completed` line is debug, as in production.
      apiAccessLogReads: process.env.API_ACCESS_LOG_READS === 'true',
      responseBytes: reads.responseBytes,
      productionShape:
        'order-token auth on reads, vault keep on POST, every Temporal payload through the codec',
      tracedExporter: 'OTLP http/protobuf (SDK default), batched, to a receiver process',
    },
    // Other work on the machine during the run: the ratios compare like with like, the absolute figures do not.
    machine: { ...machine, loadAverage1mAtEnd: round(loadavg()[0] ?? 0) },
    getOrder: reads.getOrder,
    postOrders: { ...postOrders, historyPerOrder },
    tracingCost,
    bars,
    pass: Object.values(bars).every((bar) => bar.pass),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  await pool.end();
  await temporal.stop();
  await postgres.stop();
  rmSync(root, { recursive: true, force: true });
}
