// `npm run bench:rebuild`: rebuild all three read models from 200,000 events of realistic
// orders, against a bare paged SELECT of the same events in the same run. Prints one JSON object.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { orderStreamId } from '../domain/events';
import { startEmbeddedPostgres } from '../embedded/postgres';
import { LOG_START, type LogCheckpoint, migrateEventStore, readAll } from '../eventstore';
import { migrateProjections, READ_MODELS, rebuildReadModels } from '../projections';
import { mixedOrders, sagaEvents } from '../simulators/simulatedOrders';
import { machineFacts } from './support/measure';

const TOTAL_EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const FIRST_STEP = Math.min(50_000, TOTAL_EVENTS);
const PAGE = 10_000;
const ROUNDS = 3;
const BAR_EVENTS_PER_SECOND = 50_000;
/** Rebuilds run under this old-space cap (the baseline runs free): finishing 200k within it shows memory does not grow with the log. */
const HEAP_CAP_MB = Number(process.env.BENCH_HEAP_CAP_MB ?? 160);

/** Peak RSS / heap while `work` runs, sampled every 10 ms. */
async function measured<T>(
  work: () => Promise<T>,
): Promise<{ result: T; ms: number; nodeCpuMs: number; peakRssMb: number; peakHeapMb: number }> {
  let peakRss = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  const sample = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 10);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await work();
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sample);
  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  const nodeCpuMs = Math.round((cpu.user + cpu.system) / 1000);
  return { result, ms, nodeCpuMs, peakRssMb: mb(peakRss), peakHeapMb: mb(peakHeap) };
}

/** Orders interleaved 40 at a time (as concurrent sagas write them), bulk-inserted 5,000 events per statement. */
async function loadEvents(pool: pg.Pool, count: number, prefix: string): Promise<{ orders: number }> {
  let written = 0;
  let orders = 0;
  while (written < count) {
    const group = mixedOrders(40, `${prefix}-${orders}`, new Date(Date.UTC(2026, 10, 1) + orders * 20_000));
    orders += group.length;
    const lists = group.map((order) => sagaEvents(order));
    const rows: [string, number, string, string, string, string, string][] = [];
    for (let step = 0; lists.some((list) => step < list.length); step++)
      for (const list of lists) {
        const event = list[step];
        if (event && written + rows.length < count)
          rows.push([
            orderStreamId(event.data.orderId),
            step + 1,
            randomUUID(),
            event.type,
            JSON.stringify(event.data),
            JSON.stringify({ correlationId: event.data.orderId }),
            event.data.at,
          ]);
      }
    for (let from = 0; from < rows.length; from += PAGE) {
      const chunk = rows.slice(from, from + PAGE);
      await pool.query(
        `INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, recorded_at)
         SELECT * FROM unnest($1::text[], $2::int[], $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[], $7::timestamptz[])`,
        [0, 1, 2, 3, 4, 5, 6].map((column) => chunk.map((row) => row[column])),
      );
    }
    written += rows.length;
  }
  return { orders };
}

/** The baseline: the same gap-safe pages of the same events, decoded, with nothing done to them. */
async function selectAll(pool: pg.Pool): Promise<number> {
  let after: LogCheckpoint = LOG_START;
  let read = 0;
  for (;;) {
    const page = await readAll(pool, { after, limit: PAGE });
    if (page.length === 0) return read;
    read += page.length;
    const last = page[page.length - 1]!;
    after = { transactionId: last.transactionId, position: last.position };
  }
}

async function rowCounts(pool: pg.Pool): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of READ_MODELS.flatMap((model) => model.tables))
    counts[table] = (await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  return counts;
}

/** One measured step in a fresh process, so its peak RSS is its own: `--child <rebuild|select> <url>`. */
async function child(mode: string, url: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const idleRssMb = Math.round(process.memoryUsage.rss() / 2 ** 20);
  const run =
    mode === 'rebuild'
      ? await measured(async () => (await rebuildReadModels(pool, READ_MODELS, { batchSize: PAGE })).events)
      : await measured(() => selectAll(pool));
  await pool.end();
  const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(
    JSON.stringify({
      events: run.result,
      ms: Math.round(run.ms),
      nodeCpuMs: run.nodeCpuMs,
      idleRssMb,
      maxRssMb,
      peakHeapMb: run.peakHeapMb,
    }),
  );
}

interface Step {
  events: number;
  ms: number;
  nodeCpuMs: number;
  idleRssMb: number;
  maxRssMb: number;
  peakHeapMb: number;
}

function step(mode: 'rebuild' | 'select', url: string): Step {
  const out = execFileSync(
    process.execPath,
    [
      ...(mode === 'rebuild' && HEAP_CAP_MB > 0 ? [`--max-old-space-size=${HEAP_CAP_MB}`] : []),
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--child',
      mode,
      url,
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as Step;
}

const perSecond = (run: Step) => Math.round(run.events / (run.ms / 1000));

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'brew-saga-bench-rebuild-'));
  const postgres = await startEmbeddedPostgres({ dataDir: join(root, 'pg'), unsafeFast: true });
  const pool = new pg.Pool({ connectionString: postgres.url, max: 4 });
  pool.on('error', () => {});
  try {
    await migrateEventStore(pool);
    await migrateProjections(pool);
    const loadStarted = performance.now();
    const first = await loadEvents(pool, FIRST_STEP, 'a');
    await pool.query('VACUUM ANALYZE events');
    const pausedAt = performance.now();
    const small = step('rebuild', postgres.url);
    const resumedAt = performance.now();
    const rest = await loadEvents(pool, TOTAL_EVENTS - FIRST_STEP, 'b');
    await pool.query('VACUUM ANALYZE events');
    const loadMs = performance.now() - loadStarted - (resumedAt - pausedAt);
    // Alternated, a few times each: the best of each is compared (the machine is shared and noisy).
    const selects: Step[] = [];
    const rebuilds: Step[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      selects.push(step('select', postgres.url));
      rebuilds.push(step('rebuild', postgres.url));
    }
    const best = (runs: Step[]) => runs.reduce((a, b) => (b.ms < a.ms ? b : a));
    const select = best(selects);
    const full = best(rebuilds);
    const eventsPerSecond = perSecond(full);
    const { rows } = await pool.query('SHOW server_version');
    console.log(
      JSON.stringify(
        {
          benchmark: 'rebuild',
          inputs: {
            events: full.events,
            orders: first.orders + rest.orders,
            readModels: READ_MODELS.map((model) => model.name),
            pageSize: PAGE,
            sagaPaths:
              'every path, cycled (completed, declined, failed, cancelled x2, abandoned, in flight x3)',
            runs: `select and rebuild alternated ${ROUNDS} times, each in a fresh process; best of each compared`,
            heapCapMb: HEAP_CAP_MB,
          },
          machine: {
            ...machineFacts(rows[0].server_version),
            postgresSettings: 'embedded, fsync=off, synchronous_commit=off (same for baseline and rebuild)',
          },
          load: { ms: Math.round(loadMs), eventsPerSecond: Math.round(TOTAL_EVENTS / (loadMs / 1000)) },
          select: { ...select, eventsPerSecond: perSecond(select), allMs: selects.map((run) => run.ms) },
          rebuild: {
            ...full,
            eventsPerSecond,
            allMs: rebuilds.map((run) => run.ms),
            rows: await rowCounts(pool),
          },
          eventsPerSecond,
          wallTimeMs: full.ms,
          peakRssMb: full.maxRssMb,
          ratioToSelect: Math.round((full.ms / select.ms) * 100) / 100,
          memoryFlat: {
            [`rebuildOf${small.events}`]: {
              maxRssMb: small.maxRssMb,
              peakHeapMb: small.peakHeapMb,
              idleRssMb: small.idleRssMb,
            },
            [`rebuildOf${full.events}`]: {
              maxRssMb: full.maxRssMb,
              peakHeapMb: full.peakHeapMb,
              idleRssMb: full.idleRssMb,
            },
          },
          bar: { minEventsPerSecond: BAR_EVENTS_PER_SECOND, met: eventsPerSecond >= BAR_EVENTS_PER_SECOND },
        },
        null,
        2,
      ),
    );
  } finally {
    await pool.end();
    await postgres.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

const childAt = process.argv.indexOf('--child');
(childAt > 0 ? child(process.argv[childAt + 1]!, process.argv[childAt + 2]!) : main()).catch(
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
