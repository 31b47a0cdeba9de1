/**
 * `npm run bench:growth`: does the cost of the everyday operations stay flat as the log grows?
 * Two databases in one embedded Postgres, a small and a large one (5 events per order), measured
 * in alternating rounds (ABBA) through the product's code: appends, readStream of one order,
 * GET /orders/:id as the customer, and the order summary's catch-up. Prints one JSON object whose
 * ratios are large ÷ small throughput. Sizes are flags: `-- --small-orders 200 --large-orders 2000`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migrateApi } from '../api/adapters/idempotencyStore';
import { createLogger } from '../api/logger';
import { startApi } from '../api/server';
import { apiConfig } from '../config/api';
import { startEmbeddedPostgres } from '../embedded/postgres';
import { createEventStore } from '../eventstore';
import { randomKeyring } from '../keys';
import { createVault, migrateVault } from '../vault';
import { EVENTS_PER_ORDER, loadOrders } from './support/growthLoad';
import { appendOrders, catchUp, getOrders, readStreams, type Throughput } from './support/growthOps';
import { machineFacts, round } from './support/measure';

const { values: flags } = parseArgs({
  options: {
    'small-orders': { type: 'string', default: '10000' },
    'large-orders': { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '4' },
    'append-orders': { type: 'string', default: '2000' },
    'stream-reads': { type: 'string', default: '5000' },
    'order-gets': { type: 'string', default: '1500' },
    'batch-orders': { type: 'string', default: '50000' },
  },
});
const inputs = {
  smallOrders: Number(flags['small-orders']),
  largeOrders: Number(flags['large-orders']),
  eventsPerOrder: EVENTS_PER_ORDER,
  rounds: Number(flags.rounds),
  appendOrdersPerRound: Number(flags['append-orders']),
  streamReadsPerRound: Number(flags['stream-reads']),
  orderGetsPerRound: Number(flags['order-gets']),
  loadBatchOrders: Number(flags['batch-orders']),
  writers: 16,
  readers: 8,
  postgres: 'embedded, fsync off (the bars are ratios; durability costs both sizes alike)',
  productionShape: { orderTokens: true, vault: true, apiCaches: 'on, each order read once per run' },
};
// Each GET reads an order nobody read before (a warm-up round too): no cache hides the database.
const readable = Math.min(inputs.smallOrders, (inputs.rounds + 1) * inputs.orderGetsPerRound);

const machine = machineFacts();
const root = mkdtempSync(join(tmpdir(), 'brew-saga-bench-growth-'));
const postgres = await startEmbeddedPostgres({ dataDir: join(root, 'pg'), unsafeFast: true });
const stops: Array<() => Promise<unknown>> = [];
try {
  const admin = new pg.Client({ connectionString: postgres.url });
  admin.on('error', () => {});
  await admin.connect();
  const open = async (name: 'small' | 'large', orders: number) => {
    await admin.query(`CREATE DATABASE growth_${name}`);
    const url = postgres.url.replace(/\/postgres$/, `/growth_${name}`);
    const pool = new pg.Pool({ connectionString: url, max: 20 });
    pool.on('error', () => {});
    stops.push(() => pool.end());
    const config = apiConfig({
      port: 0,
      databaseUrl: url,
      temporalAddress: '127.0.0.1:1', // never dialled: reads need no Temporal, and the connection is lazy
      logLevel: 'error',
      vaultKeys: randomKeyring('growth-vault'),
      codecKeys: randomKeyring('growth-codec'),
    });
    const vault = createVault(pool, config.vaultKeys!);
    const load = await loadOrders(pool, {
      orders,
      readable,
      batchOrders: inputs.loadBatchOrders,
      keep: (orderId, fields) => vault.keep(orderId, fields),
      migrate: async (db) => {
        await migrateApi(db);
        await migrateVault(db);
      },
    });
    const api = await startApi({ config, logger: createLogger('error') });
    stops.push(() => api.stop());
    const store = createEventStore(pool);
    stops.push(() => store.close());
    const sizes = await pool.query<{ events: string; summaries: string }>(
      `SELECT pg_size_pretty(pg_total_relation_size('events')) AS events,
              pg_size_pretty(pg_total_relation_size('order_summary')) AS summaries`,
    );
    return { name, orders, pool, store, url: api.url, load, sizes: sizes.rows[0]! };
  };
  const small = await open('small', inputs.smallOrders);
  const large = await open('large', inputs.largeOrders);
  await admin.end();

  type Side = typeof small;
  const results = new Map<Side, Record<'append' | 'catchUp' | 'readStream' | 'getOrder', Throughput[]>>();
  const randomOrders = (side: Side, count: number) =>
    Array.from({ length: count }, () => 1 + Math.floor(Math.random() * side.orders));
  const oneRound = async (side: Side, round: number, scale = 1) => {
    const gets = Math.floor(inputs.orderGetsPerRound * scale);
    const getSlice = Array.from({ length: gets }, (_, i) => round * inputs.orderGetsPerRound + i + 1);
    return {
      append: await appendOrders(side.store, Math.ceil(inputs.appendOrdersPerRound * scale), inputs.writers),
      catchUp: await catchUp(side.pool),
      readStream: await readStreams(
        side.store,
        randomOrders(side, Math.ceil(inputs.streamReadsPerRound * scale)),
        inputs.readers,
      ),
      getOrder: await getOrders(side.url, getSlice, inputs.readers),
    };
  };
  for (const side of [small, large]) await oneRound(side, inputs.rounds, 0.5); // warm-up, not counted
  for (let round = 0; round < inputs.rounds; round++) {
    const order = round % 2 === 0 ? [small, large] : [large, small];
    for (const side of order) {
      const figures = await oneRound(side, round);
      const kept = results.get(side) ?? { append: [], catchUp: [], readStream: [], getOrder: [] };
      for (const key of Object.keys(kept) as (keyof typeof kept)[]) kept[key].push(figures[key]);
      results.set(side, kept);
    }
  }

  const total = (runs: Throughput[]) => {
    const operations = runs.reduce((sum, run) => sum + run.operations, 0);
    const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
    return { operations, seconds: round(seconds, 2), perSecond: round(operations / seconds, 0) };
  };
  const figuresOf = (side: Side) => {
    const runs = results.get(side)!;
    return {
      orders: side.orders,
      eventsInLogAtStart: side.orders * EVENTS_PER_ORDER,
      tableSizes: side.sizes,
      loadSeconds: round(side.load.seconds, 1),
      appendEventsPerSecond: total(runs.append),
      catchUpEventsPerSecond: total(runs.catchUp),
      readStreamsPerSecond: total(runs.readStream),
      getOrdersPerSecond: total(runs.getOrder),
    };
  };
  const [s, l] = [figuresOf(small), figuresOf(large)];
  const ratio = (pick: (f: typeof s) => { perSecond: number }) =>
    round(pick(l).perSecond / pick(s).perSecond);
  console.log(
    JSON.stringify(
      {
        benchmark: 'growth: small log vs large log',
        inputs,
        machine: { ...machine, loadAverageAtEnd: round(loadavg()[0] ?? 0) },
        small: s,
        large: l,
        growth: {
          appendRatio: ratio((f) => f.appendEventsPerSecond),
          readStreamRatio: ratio((f) => f.readStreamsPerSecond),
          getOrderRatio: ratio((f) => f.getOrdersPerSecond),
          catchUpRatio: ratio((f) => f.catchUpEventsPerSecond),
        },
        // large ÷ small in each round: how far the load drifting on a shared machine moved each ratio
        growthPerRound: Object.fromEntries(
          (['append', 'readStream', 'getOrder', 'catchUp'] as const).map((key) => [
            key,
            results
              .get(large)!
              [key].map((run, i) => round(run.perSecond / results.get(small)![key][i]!.perSecond)),
          ]),
        ),
        bars: { appendRatio: 0.85, readStreamRatio: 0.85, getOrderRatio: 0.85, catchUpRatio: 0.85 },
      },
      null,
      2,
    ),
  );
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  await postgres.stop();
  rmSync(root, { recursive: true, force: true });
}
