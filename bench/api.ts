import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import pg from 'pg';
import pino from 'pino';
import { createLogger } from '../api/logger';
import { startApi } from '../api/server';
import { apiConfig } from '../config/api';
import { startEmbeddedPostgres } from '../embedded/postgres';
import { startTemporalDevServer, stopChild } from '../embedded/temporal';
import { migrateEventStore } from '../eventstore';
import { newKeyEnv, parseKeyring } from '../keys';
import { SAGA_PATHS } from '../simulators/sagaPaths';
import { openBareUpdateWithStart } from './api/bareUpdateWithStart';
import { comparePlacement, PLACEMENT_BARS } from './api/placement';

// npm run bench:api — GET /orders/:id against a bare Express route answering a JSON object of the
// same size (same run, same machine), then POST /orders at a fixed rate against a bare update-with-start
// (bench/api/bareUpdateWithStart.ts) in alternating rounds. Prints one JSON object.
const READ_SECONDS = Number(process.env.BENCH_READ_SECONDS ?? 15);
const READ_ROUNDS = 6;
const READ_CONNECTIONS = Number(process.env.BENCH_READ_CONNECTIONS ?? 10);
const WRITE_RATE = Number(process.env.BENCH_WRITE_RATE ?? 20);
const WRITE_SECONDS = Number(process.env.BENCH_WRITE_SECONDS ?? 30);
const WRITE_ROUNDS = Number(process.env.BENCH_WRITE_ROUNDS ?? 6);
const READ_BAR = 0.8;
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';

const run = promisify(execFile);
const autocannonBin = join(import.meta.dirname, '..', 'node_modules', 'autocannon', 'autocannon.js');

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}

/** autocannon in its own process, so load generation never shares an event loop with the server. */
async function cannon(args: string[]): Promise<CannonResult> {
  const { stdout } = await run(process.execPath, [autocannonBin, '--json', ...args], { maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as CannonResult;
}

/** Rounds of one target as one result: mean throughput, worst p99, median p50. */
function combine(rounds: CannonResult[]): CannonResult {
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  const sum = (pick: (r: CannonResult) => number) => rounds.reduce((total, r) => total + pick(r), 0);
  return {
    requests: {
      average: sum((r) => r.requests.average) / rounds.length,
      total: sum((r) => r.requests.total),
    },
    latency: {
      p50: sorted(rounds.map((r) => r.latency.p50))[Math.floor(rounds.length / 2)]!,
      p99: Math.max(...rounds.map((r) => r.latency.p99)),
      average: sum((r) => r.latency.average) / rounds.length,
    },
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    non2xx: sum((r) => r.non2xx),
    '2xx': sum((r) => r['2xx']),
  };
}

const summary = (result: CannonResult) => ({
  requestsPerSecond: Math.round(result.requests.average),
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  errors: result.errors + result.timeouts,
  non2xx: result.non2xx,
});

// Fresh vault and codec keys for this run, for the API here and the processes it spawns.
const keyEnv = newKeyEnv('bench-api');
Object.assign(process.env, keyEnv);
const loadAtStart = Number(loadavg()[0]!.toFixed(2));
const root = mkdtempSync(join(tmpdir(), 'brew-saga-bench-api-'));
const postgres = await startEmbeddedPostgres({ dataDir: join(root, 'pg'), unsafeFast: true });
const temporal = await startTemporalDevServer();
const pool = new pg.Pool({ connectionString: postgres.url, max: 10 });
const stops: Array<() => Promise<unknown>> = [];

try {
  await migrateEventStore(pool);
  // Worker, barista and projector as their own processes, as `npm start` and production run them.
  const logFd = openSync(join(root, 'processes.log'), 'a');
  const env = {
    ...process.env,
    DATABASE_URL: postgres.url,
    TEMPORAL_ADDRESS: temporal.address,
    ORDERS_TASK_QUEUE: 'bench-api-orders',
    BARISTA_TASK_QUEUE: 'bench-api-barista',
    BARISTA_CONCURRENCY: '50',
    COFFEE_BREW_SCALE: '0.001',
    COFFEE_TICK_MS: '50',
  };
  for (const name of ['worker', 'barista', 'projector']) {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, '..', 'bin', `${name}.ts`)],
      {
        env,
        stdio: ['ignore', logFd, logFd],
      },
    );
    stops.push(() => stopChild(child));
  }

  // The API logs as in production (JSON lines at info), to a file rather than this JSON's stdout.
  const logger = createLogger(LOG_LEVEL, pino.destination({ dest: join(root, 'api.log'), sync: false }));
  const api = await startApi({
    config: apiConfig({
      port: 0,
      databaseUrl: postgres.url,
      temporalAddress: temporal.address,
      taskQueue: 'bench-api-orders',
      logLevel: LOG_LEVEL as 'info',
      // One load generator, one client address: the per-client limit would refuse the load itself.
      rateLimits: { ...apiConfig().rateLimits, orders: 1_000_000, commands: 1_000_000 },
      vaultKeys: parseKeyring(keyEnv.VAULT_MASTER_KEYS, keyEnv.VAULT_CURRENT_KEY_ID),
      codecKeys: parseKeyring(keyEnv.TEMPORAL_CODEC_KEYS, keyEnv.TEMPORAL_CODEC_KEY_ID),
    }),
    logger,
    baristaTaskQueue: 'bench-api-barista',
  });
  stops.push(() => api.stop());

  const orderBody = JSON.stringify({
    customer: 'Bench',
    items: [{ drink: 'latte', size: 'medium', quantity: 2 }],
    payment: { token: SAGA_PATHS.happy.token },
  });
  const placed = (await (
    await fetch(`${api.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: orderBody,
    })
  ).json()) as { orderId: string; position: number; orderToken: string };
  // The customer reads their order with the token it came with (the bare app gets the same header).
  const authorization = `Bearer ${placed.orderToken}`;
  const orderUrl = `${api.url}/orders/${placed.orderId}`;
  let order: unknown;
  for (let tries = 0; tries < 200; tries += 1) {
    const body = (await (
      await fetch(`${orderUrl}?minPosition=${placed.position}`, { headers: { authorization } })
    ).json()) as {
      status: string;
    };
    order = body;
    if (body.status === 'READY') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const bodyBytes = Buffer.byteLength(JSON.stringify(order));

  // The baseline: a bare Express app answering the very same object.
  const bare = express();
  bare.get('/orders/:id', (_req, res) => {
    res.json(order);
  });
  const bareServer = bare.listen(0, '127.0.0.1');
  await new Promise((resolve) => bareServer.once('listening', resolve));
  const barePort = (bareServer.address() as { port: number }).port;
  stops.push(() => new Promise((resolve) => bareServer.close(resolve)));
  const bareUrl = `http://127.0.0.1:${barePort}/orders/${placed.orderId}`;

  // Interleaved rounds, so background load drifting during the run weighs on both sides alike.
  const withToken = ['-H', `authorization=${authorization}`];
  const readArgs = ['-c', String(READ_CONNECTIONS), '-d', String(READ_SECONDS / READ_ROUNDS), ...withToken];
  await cannon(['-c', String(READ_CONNECTIONS), '-d', '2', ...withToken, bareUrl]); // warm-up
  await cannon(['-c', String(READ_CONNECTIONS), '-d', '2', ...withToken, orderUrl]);
  const bareRounds: CannonResult[] = [];
  const apiRounds: CannonResult[] = [];
  for (let round = 0; round < READ_ROUNDS; round += 1) {
    bareRounds.push(await cannon([...readArgs, bareUrl]));
    apiRounds.push(await cannon([...readArgs, orderUrl]));
  }
  const bareRead = combine(bareRounds);
  const apiRead = combine(apiRounds);

  const bareOrders = await openBareUpdateWithStart(env);
  stops.push(() => bareOrders.close());
  const placement = await comparePlacement({
    postOrder: async () => {
      const response = await fetch(`${api.url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: orderBody,
      });
      await response.arrayBuffer();
      return response.status === 202;
    },
    bareUpdateWithStart: bareOrders.place,
    rate: WRITE_RATE,
    seconds: WRITE_SECONDS,
    rounds: WRITE_ROUNDS,
  });

  // Each round's API run sits right after its bare run: the median of their ratios shrugs off
  // a burst of background load that a ratio of totals would not.
  const roundRatios = apiRounds.map((r, i) =>
    Number((r.requests.average / bareRounds[i]!.requests.average).toFixed(3)),
  );
  const ratioToBareExpress = [...roundRatios].sort((a, b) => a - b)[Math.floor(roundRatios.length / 2)]!;
  const ratioOfTotals = Number((apiRead.requests.average / bareRead.requests.average).toFixed(3));
  console.log(
    JSON.stringify(
      {
        benchmark: 'api',
        inputs: {
          readSeconds: READ_SECONDS,
          readRounds: READ_ROUNDS,
          readConnections: READ_CONNECTIONS,
          writeRatePerSecond: WRITE_RATE,
          writeSeconds: WRITE_SECONDS,
          writeRounds: WRITE_ROUNDS,
          productionShape:
            'order-token auth on reads, vault keep on POST, every Temporal payload through the codec',
          apiLogLevel: LOG_LEVEL,
          responseBytes: bodyBytes,
        },
        machine: {
          cpus: cpus().length,
          // Other work on the machine during the run: the ratio compares like with like, the POST latencies do not.
          loadAverageAtStart: loadAtStart,
          loadAverageAtEnd: Number(loadavg()[0]!.toFixed(2)),
          cpuModel: cpus()[0]?.model,
          memoryGiB: Math.round(totalmem() / 2 ** 30),
          node: process.version,
          platform: process.platform,
        },
        getOrder: {
          api: summary(apiRead),
          bareExpress: summary(bareRead),
          ratioToBareExpress,
          roundRatios,
          ratioOfTotals,
        },
        postOrders: placement.postOrders,
        bars: { ratioToBareExpress: READ_BAR, postErrors: 0, ...PLACEMENT_BARS },
        pass: ratioToBareExpress >= READ_BAR && placement.pass,
      },
      null,
      2,
    ),
  );
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  await pool.end();
  await temporal.stop();
  await postgres.stop();
  rmSync(root, { recursive: true, force: true });
}
