/**
 * `npm run bench:saturation`: the highest order rate this machine sustains, open loop, for a whole
 * step (60 s by default) with p99 start→READY under 2 s and no failed POST, and where the CPU went
 * at that rate, per process. Every process of the shop runs as its own process, as in production.
 * The rate climbs by a factor until a step fails, then bisects between the last pass and the fail.
 * Knobs: `-- --seconds 60 --from 5 --factor 1.5 --up-to 200 --refine 2 --p99-ms 2000`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { freePort, startEmbeddedPostgres } from '../embedded/postgres';
import { startTemporalDevServer } from '../embedded/temporal';
import { SAGA_PATHS } from '../simulators/sagaPaths';
import { machineFacts, quantile, round } from './support/measure';
import { cpuOfTrees, findProcess } from './support/processCpu';
import { readyTimes } from './support/readyTimes';
import { startShopProcesses } from './support/shopProcesses';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    from: { type: 'string', default: '5' },
    factor: { type: 'string', default: '1.5' },
    'up-to': { type: 'string', default: '200' },
    refine: { type: 'string', default: '2' },
    'p99-ms': { type: 'string', default: '2000' },
    'drain-seconds': { type: 'string', default: '30' },
  },
});
const inputs = {
  stepSeconds: Number(flags.seconds),
  fromOrdersPerSecond: Number(flags.from),
  factor: Number(flags.factor),
  upToOrdersPerSecond: Number(flags['up-to']),
  refineSteps: Number(flags.refine),
  p99StartToReadyMsAtMost: Number(flags['p99-ms']),
  drainSeconds: Number(flags['drain-seconds']),
  order: '2× latte, happy card, no pickup (start = POST sent, READY = OrderReady recorded)',
  processes: 'worker, barista, projector, api: one each, own processes; brew scaled to 1/1000',
  postgres: 'embedded, fsync off',
  temporal: 'dev server (temporal server start-dev, in-memory)',
};

const machine = machineFacts();
const root = mkdtempSync(join(tmpdir(), 'brew-saga-bench-saturation-'));
const postgres = await startEmbeddedPostgres({ dataDir: join(root, 'pg'), unsafeFast: true });
const temporal = await startTemporalDevServer();
const pool = new pg.Pool({ connectionString: postgres.url, max: 4 });
const stopServers = async () => {
  await pool.end();
  await temporal.stop();
  await postgres.stop();
  rmSync(root, { recursive: true, force: true });
};
const apiPort = await freePort();
const apiUrl = `http://127.0.0.1:${apiPort}`;
const shop = await startShopProcesses(
  ['worker', 'barista', 'projector', 'api'],
  { DATABASE_URL: postgres.url, TEMPORAL_ADDRESS: temporal.address },
  {
    barista: { COFFEE_BREW_SCALE: '0.001', COFFEE_TICK_MS: '50', BARISTA_CONCURRENCY: '200' },
    api: {
      PORT: String(apiPort),
      API_TOKEN_SECRET: randomUUID() + randomUUID(),
      // One load generator, one client address: the per-client limits would refuse the load itself.
      API_RATE_ORDERS: '1000000',
      API_RATE_COMMANDS: '1000000',
    },
  },
  root,
).catch(async (error: unknown) => {
  await stopServers();
  throw error;
});
const postmaster = Number(readFileSync(join(root, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
const roots: Record<string, number> = {
  ...Object.fromEntries(shop.map((p) => [p.name, p.pid])),
  postgres: postmaster,
  temporal: findProcess('start-dev', `--port ${temporal.address.split(':')[1]}`) ?? -1,
};
// This process's own time only: its tree holds every process above.
const cpuNow = (): Record<string, number> => {
  const own = process.cpuUsage();
  return { ...cpuOfTrees(roots), loadGenerator: (own.user + own.system) / 1000 };
};

const body = JSON.stringify({
  customer: 'Bench',
  items: [{ drink: 'latte', size: 'medium', quantity: 2 }],
  payment: { token: SAGA_PATHS.happy.token },
});

/** One step: POSTs at `rate` for the step, open loop; then each order's start→READY. */
async function step(rate: number) {
  const starts = new Map<string, number>();
  let failed = 0;
  const cpuBefore = cpuNow();
  const inFlight: Promise<void>[] = [];
  const began = performance.now();
  for (let i = 0; i < Math.round(rate * inputs.stepSeconds); i++) {
    const wait = began + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    const sent = Date.now();
    inFlight.push(
      fetch(`${apiUrl}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body,
      })
        .then(async (response) => {
          const placed = (await response.json()) as { orderId?: string };
          if (response.status === 202 && placed.orderId) starts.set(`order-${placed.orderId}`, sent);
          else failed++;
        })
        .catch(() => void failed++),
    );
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - began) / 1000;
  const cpuAfter = cpuNow();
  const ready = await readyTimes(pool, starts, inputs.drainSeconds);
  const latencies = [...starts].map(
    ([stream, sent]) => (ready.get(stream) ?? Number.POSITIVE_INFINITY) - sent,
  );
  latencies.sort((a, b) => a - b);
  const p99 = quantile(latencies, 0.99);
  const cpuPercent = Object.fromEntries(
    Object.keys(cpuAfter).map((name) => [
      name,
      round(((cpuAfter[name]! - cpuBefore[name]!) / 1000 / seconds) * 100, 0),
    ]),
  );
  const bottleneck = Object.entries(cpuPercent).sort((a, b) => b[1] - a[1])[0]![0];
  return {
    ordersPerSecond: rate,
    achievedPerSecond: round(starts.size / seconds, 1),
    failedPosts: failed,
    notReady: latencies.filter((ms) => ms === Number.POSITIVE_INFINITY).length,
    p50StartToReadyMs: Math.round(quantile(latencies, 0.5)),
    p99StartToReadyMs: Number.isFinite(p99) ? Math.round(p99) : null,
    sustained:
      failed === 0 &&
      p99 <= inputs.p99StartToReadyMsAtMost &&
      starts.size >= 0.95 * rate * inputs.stepSeconds,
    cpuPercentOfOneCore: cpuPercent,
    busiestProcess: bottleneck,
    // Far below 100: the shop is starved by other work on the machine, not limited by one of its processes.
    shopPercentOfAllCores: round(
      Object.values(cpuPercent).reduce((sum, value) => sum + value, 0) / cpus().length,
      0,
    ),
  };
}

try {
  const steps: Awaited<ReturnType<typeof step>>[] = [];
  await step(Math.max(0.5, inputs.fromOrdersPerSecond / 2)); // warm-up, not counted
  let passed: number | undefined;
  let failedAt: number | undefined;
  const tryRate = async (rate: number) => {
    const result = await step(rate);
    steps.push(result);
    if (result.sustained) passed = Math.max(passed ?? 0, rate);
    else failedAt = Math.min(failedAt ?? Number.POSITIVE_INFINITY, rate);
    return result.sustained;
  };
  // Bracket the limit: climb by the factor while steps pass, or descend while they fail.
  const oneDecimal = (rate: number) => Math.round(rate * 10) / 10;
  if (await tryRate(inputs.fromOrdersPerSecond)) {
    for (
      let rate = oneDecimal(inputs.fromOrdersPerSecond * inputs.factor);
      rate <= inputs.upToOrdersPerSecond;
    ) {
      if (!(await tryRate(rate))) break;
      rate = oneDecimal(rate * inputs.factor);
    }
  } else {
    for (let rate = oneDecimal(inputs.fromOrdersPerSecond / inputs.factor); rate >= 0.5; ) {
      if (await tryRate(rate)) break;
      rate = oneDecimal(rate / inputs.factor);
    }
  }
  for (let i = 0; i < inputs.refineSteps && passed !== undefined && failedAt !== undefined; i++) {
    const rate = oneDecimal((passed + failedAt) / 2);
    if (rate === passed || rate === failedAt) break;
    await tryRate(rate);
  }
  const atMax = steps.find((s) => s.ordersPerSecond === passed && s.sustained);
  console.log(
    JSON.stringify(
      {
        benchmark: 'saturation: highest sustained order rate',
        inputs,
        machine: { ...machine, loadAverageAtEnd: round(loadavg()[0] ?? 0), cores: cpus().length },
        maxSustainedOrdersPerSecond: passed ?? 0,
        firstFailingOrdersPerSecond: failedAt ?? null,
        bottleneckAtMax: atMax
          ? { process: atMax.busiestProcess, cpuPercentOfOneCore: atMax.cpuPercentOfOneCore }
          : null,
        steps,
      },
      null,
      2,
    ),
  );
} finally {
  for (const process of shop.reverse()) await process.stop();
  await stopServers();
}
