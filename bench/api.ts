import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import pg from 'pg';
import { freePort, startEmbeddedPostgres } from '../embedded/postgres';
import { startTemporalDevServer, stopChild } from '../embedded/temporal';
import { migrateEventStore } from '../eventstore';
import { newKeyEnv } from '../keys';
import { SAGA_PATHS } from '../simulators/sagaPaths';
import { processCpuMs } from './support/processCpu';

// npm run bench:api — GET /orders/:id against a bare Express route answering a JSON object of the
// same size (same run, same machine), then POST /orders at a fixed rate. Two API processes answer,
// each with its own orders worker: one untraced (nothing of OpenTelemetry loaded), one exporting
// OTLP to a receiver process; their rounds interleave, so load drifting during the run weighs on
// both alike and the tracing cost is a ratio. Prints one JSON object.
const READ_SECONDS = Number(process.env.BENCH_READ_SECONDS ?? 15);
const READ_ROUNDS = 6;
const READ_CONNECTIONS = Number(process.env.BENCH_READ_CONNECTIONS ?? 10);
const WRITE_RATE = Number(process.env.BENCH_WRITE_RATE ?? 20);
const WRITE_SECONDS = Number(process.env.BENCH_WRITE_SECONDS ?? 30);
const WRITE_ROUNDS = 3;
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROF;

const run = promisify(execFile);
const bin = (name: string) => join(import.meta.dirname, '..', 'bin', `${name}.ts`);
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

/**
 * POST at a fixed rate, open loop: a request leaves every 1/rate s whether or not earlier ones
 * answered, so a slow answer shows in the latencies instead of quietly lowering the rate.
 */
async function fixedRate(url: string, body: string, rate: number, seconds: number) {
  const latencies: number[] = [];
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < rate * seconds; i += 1) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      (async () => {
        const sent = performance.now();
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
            body,
          });
          await response.arrayBuffer();
          if (response.status !== 202) errors += 1;
        } catch {
          errors += 1;
        }
        latencies.push(performance.now() - sent);
      })(),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return {
    sent: latencies.length,
    ratePerSecond: Number((latencies.length / seconds).toFixed(1)),
    wallSeconds: Number(elapsed.toFixed(1)),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: Math.round(latencies.at(-1) ?? 0),
    errors,
  };
}

const loadAtStart = Number(loadavg()[0]!.toFixed(2));
const root = mkdtempSync(join(tmpdir(), 'brew-saga-bench-api-'));
const postgres = await startEmbeddedPostgres({ dataDir: join(root, 'pg'), unsafeFast: true });
const temporal = await startTemporalDevServer();
const pool = new pg.Pool({ connectionString: postgres.url, max: 10 });
const stops: Array<() => Promise<unknown>> = [];

try {
  await migrateEventStore(pool);
  const logFd = openSync(join(root, 'processes.log'), 'a');
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
  const start = (entry: string, extra: Record<string, string> = {}) => {
    // BENCH_CPU_PROF=<dir>: the APIs write V8 CPU profiles there when they stop (open in Chrome DevTools).
    const profile =
      CPU_PROFILE_DIR && entry === bin('api') ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE_DIR}`] : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', entry], {
      env: { ...env, ...extra },
      stdio: ['ignore', logFd, logFd],
    });
    stops.push(() => stopChild(child));
    return child;
  };

  // An OTLP/HTTP receiver in its own process, standing in for a collector.
  const receiverPort = await freePort();
  const receiver = spawn(
    process.execPath,
    [
      '-e',
      "require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('{}')); }).listen(Number(process.argv[1]), '127.0.0.1')",
      String(receiverPort),
    ],
    { stdio: 'ignore' },
  );
  stops.push(() => stopChild(receiver));
  const traced = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiverPort}` };

  // One barista and one projector serve both sides (a POST answers once OrderPlaced is written,
  // before any brewing); each side has its own API and orders worker on its own task queue.
  start(bin('barista'));
  start(bin('projector'));
  const side = async (name: 'off' | 'on', extra: Record<string, string>) => {
    const queue = `bench-api-${name}-orders`;
    start(bin('worker'), { ...extra, ORDERS_TASK_QUEUE: queue });
    const port = await freePort();
    const api = start(bin('api'), { ...extra, PORT: String(port), TEMPORAL_TASK_QUEUE: queue });
    const url = `http://127.0.0.1:${port}`;
    for (let tries = 0; ; tries += 1) {
      const ready = await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (tries > 600) throw new Error(`the ${name} API never got ready`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { name, url, pid: api.pid! };
  };
  const off = await side('off', {});
  const on = await side('on', traced);

  const orderBody = JSON.stringify({
    customer: 'Bench',
    items: [{ drink: 'latte', size: 'medium', quantity: 2 }],
    payment: { token: SAGA_PATHS.happy.token },
  });
  /** An order placed through this API and made READY: the one its GETs read, with its customer's token. */
  const readyOrder = async (api: string) => {
    const placed = (await (
      await fetch(`${api}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: orderBody,
      })
    ).json()) as { orderId: string; position: number; orderToken: string };
    const authorization = `Bearer ${placed.orderToken}`;
    const orderUrl = `${api}/orders/${placed.orderId}`;
    let order: { status: string } | undefined;
    for (let tries = 0; tries < 400 && order?.status !== 'READY'; tries += 1) {
      const url = `${orderUrl}?minPosition=${placed.position}`;
      order = (await (await fetch(url, { headers: { authorization } })).json()) as { status: string };
      if (order.status !== 'READY') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // autocannon's header flag: every GET of this side carries the token (the bare app gets one too).
    return { orderUrl, order, withToken: ['-H', `authorization=${authorization}`] };
  };
  const offOrder = await readyOrder(off.url);
  const onOrder = await readyOrder(on.url);
  const bodyBytes = Buffer.byteLength(JSON.stringify(offOrder.order));

  // The baseline: a bare Express app answering the very same object.
  const bare = express();
  bare.get('/orders/:id', (_req, res) => {
    res.json(offOrder.order);
  });
  const bareServer = bare.listen(0, '127.0.0.1');
  await new Promise((resolve) => bareServer.once('listening', resolve));
  const barePort = (bareServer.address() as { port: number }).port;
  stops.push(() => new Promise((resolve) => bareServer.close(resolve)));
  const bareUrl = `http://127.0.0.1:${barePort}/orders/x`;

  // Interleaved rounds: bare, untraced, traced, again and again.
  const readArgs = ['-c', String(READ_CONNECTIONS), '-d', String(READ_SECONDS / READ_ROUNDS)];
  const targets = {
    bare: [...offOrder.withToken, bareUrl],
    off: [...offOrder.withToken, offOrder.orderUrl],
    on: [...onOrder.withToken, onOrder.orderUrl],
  };
  for (const target of Object.values(targets))
    await cannon(['-c', String(READ_CONNECTIONS), '-d', '2', ...target]); // warm-up
  // The API process's CPU per request: unlike throughput on a busy machine, it shows what tracing costs.
  const cpu = { off: { ms: 0, requests: 0 }, on: { ms: 0, requests: 0 } };
  const cpuMetered = async (pid: number, name: 'off' | 'on', round: () => Promise<CannonResult>) => {
    const before = processCpuMs(pid);
    const result = await round();
    cpu[name].ms += processCpuMs(pid) - before;
    cpu[name].requests += result.requests.total;
    return result;
  };
  const rounds = { bare: [] as CannonResult[], off: [] as CannonResult[], on: [] as CannonResult[] };
  for (let round = 0; round < READ_ROUNDS; round += 1) {
    rounds.bare.push(await cannon([...readArgs, ...targets.bare]));
    rounds.off.push(await cpuMetered(off.pid, 'off', () => cannon([...readArgs, ...targets.off])));
    rounds.on.push(await cpuMetered(on.pid, 'on', () => cannon([...readArgs, ...targets.on])));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const ratios = (a: CannonResult[], b: CannonResult[]) =>
    a.map((r, i) => Number((r.requests.average / b[i]!.requests.average).toFixed(3)));
  const readSide = (results: CannonResult[]) => {
    const roundRatios = ratios(results, rounds.bare);
    return {
      api: summary(combine(results)),
      ratioToBareExpress: median(roundRatios),
      roundRatios,
    };
  };

  // Writes: the same fixed rate, alternating sides in rounds; p50 over each side's requests.
  const writeRounds = {
    off: [] as Awaited<ReturnType<typeof fixedRate>>[],
    on: [] as Awaited<ReturnType<typeof fixedRate>>[],
  };
  for (let round = 0; round < WRITE_ROUNDS; round += 1)
    for (const api of [off, on])
      writeRounds[api.name].push(
        await fixedRate(`${api.url}/orders`, orderBody, WRITE_RATE, WRITE_SECONDS / WRITE_ROUNDS),
      );
  const writeSide = (results: Awaited<ReturnType<typeof fixedRate>>[]) => ({
    sent: results.reduce((sum, r) => sum + r.sent, 0),
    p50Ms: median(results.map((r) => r.p50Ms)),
    p99Ms: Math.max(...results.map((r) => r.p99Ms)),
    roundP50Ms: results.map((r) => r.p50Ms),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
  });
  const read = { off: readSide(rounds.off), on: readSide(rounds.on) };
  const write = { off: writeSide(writeRounds.off), on: writeSide(writeRounds.on) };
  const cpuPerRequestUs = (side: { ms: number; requests: number }) =>
    Number(((side.ms * 1000) / Math.max(1, side.requests)).toFixed(1));
  const tracingCost = {
    getOrderApiCpuPerRequestUs: { off: cpuPerRequestUs(cpu.off), on: cpuPerRequestUs(cpu.on) },
    /** The throughput a CPU-bound API keeps with tracing on: untraced CPU per request over traced. */
    getOrderCpuBoundThroughputOnToOff: Number(
      (cpuPerRequestUs(cpu.off) / cpuPerRequestUs(cpu.on)).toFixed(3),
    ),
    // Per round, traced over untraced throughput (each measured right after the other): the median.
    getOrderThroughputOnToOff: median(ratios(rounds.on, rounds.off)),
    postOrdersP50OnToOff: Number((write.on.p50Ms / Math.max(1, write.off.p50Ms)).toFixed(3)),
  };
  const writeErrors = write.off.errors + write.on.errors;
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
          apiLogLevel: LOG_LEVEL,
          responseBytes: bodyBytes,
          tracedExporter: 'OTLP http/protobuf (SDK default), batched, to a receiver process',
        },
        machine: {
          cpus: cpus().length,
          // Other work on the machine during the run: the ratios compare like with like, the absolute figures do not.
          loadAverageAtStart: loadAtStart,
          loadAverageAtEnd: Number(loadavg()[0]!.toFixed(2)),
          cpuModel: cpus()[0]?.model,
          memoryGiB: Math.round(totalmem() / 2 ** 30),
          node: process.version,
          platform: process.platform,
        },
        getOrder: {
          bareExpress: summary(combine(rounds.bare)),
          tracingOff: read.off,
          tracingOn: read.on,
        },
        postOrders: { tracingOff: write.off, tracingOn: write.on },
        tracingCost,
        bars: {
          ratioToBareExpress: 0.7,
          postErrors: 0,
          getOrderThroughputOnToOff: 0.9,
          postOrdersP50OnToOff: 1.1,
        },
        pass:
          read.off.ratioToBareExpress >= 0.7 &&
          writeErrors === 0 &&
          tracingCost.getOrderThroughputOnToOff >= 0.9 &&
          tracingCost.postOrdersP50OnToOff <= 1.1,
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
