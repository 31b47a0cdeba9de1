import { afterEach, beforeEach, expect, test } from 'vitest';
import {
  getBaristaQueue,
  getOrderSummary,
  type Projector,
  READ_MODELS,
  rebuildReadModels,
  startProjector,
  waitForPosition,
} from '../../../projections';
import { appendInterleaved, mixedOrders, SIMULATED_PATHS } from '../../../simulators/simulatedOrders';
import { type ProjectionsDatabase, projectionsDatabase, tableRows } from './support';

let db: ProjectionsDatabase;
let projector: Projector;
beforeEach(async () => {
  db = await projectionsDatabase();
  projector = await startProjector({ pool: db.pool, pollIntervalMs: 50 });
});
afterEach(async () => {
  await projector.stop();
  await db.drop();
});

const TABLES = READ_MODELS.flatMap((model) => model.tables);
const snapshot = async (): Promise<Record<string, unknown[]>> =>
  Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await tableRows(db.pool, t)])));
const indexes = async () =>
  (
    await db.pool.query(
      `SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY($1) ORDER BY 2`,
      [TABLES],
    )
  ).rows;
const caughtUp = async (positions: number[]) => {
  for (const model of READ_MODELS)
    expect(await waitForPosition(db.pool, model.name, Math.max(...positions), 10_000)).toBe(true);
};

test('a rebuild of every saga path equals the incrementally built tables, row for row, while the API reads on', async () => {
  const positions = await appendInterleaved(db.store, mixedOrders(SIMULATED_PATHS.length * 6, 'mix'));
  await caughtUp(positions);
  const incremental = await snapshot();
  const indexesBefore = await indexes();
  expect(Object.values(incremental).every((rows) => rows.length > 0)).toBe(true);

  let reading = true;
  let reads = 0;
  const api = (async () => {
    while (reading) {
      expect(await getOrderSummary(db.pool, 'mix-0')).toMatchObject({ status: 'COMPLETED' });
      expect((await getBaristaQueue(db.pool)).toBrew.length).toBeGreaterThan(0);
      reads += 1;
    }
  })();
  // Small pages, so the replay spans many transactions while the API keeps reading.
  const result = await rebuildReadModels(db.pool, READ_MODELS, { batchSize: 40 });
  reading = false;
  await api;

  expect(result.events).toBe(positions.length);
  expect(reads).toBeGreaterThan(0);
  expect(await snapshot()).toEqual(incremental);
  expect(await indexes()).toEqual(indexesBefore);
  const { rows } = await db.pool.query(
    `SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE '%\\_rebuild'`,
  );
  expect(rows[0].n).toBe(0);
});

test('events appended during a rebuild are neither lost nor doubled across the swap', async () => {
  const first = await appendInterleaved(db.store, mixedOrders(SIMULATED_PATHS.length * 3, 'early'));
  const [rebuilt, during] = await Promise.all([
    rebuildReadModels(db.pool, READ_MODELS, { batchSize: 25 }),
    appendInterleaved(
      db.store,
      mixedOrders(SIMULATED_PATHS.length * 3, 'late', new Date('2026-11-22T08:00:00Z')),
    ),
  ]);
  // The replay stops where the readable log ends (open transactions anywhere hold it back); the live projector does the rest.
  expect(rebuilt.events).toBeGreaterThan(0);
  await caughtUp([...first, ...during]);
  const live = await snapshot();
  // The live tables, built partly by the rebuild and partly by the projector after the swap,
  // equal a rebuild from scratch of the whole log.
  await rebuildReadModels(db.pool, READ_MODELS);
  expect(await snapshot()).toEqual(live);
  const { rows } = await db.pool.query(
    'SELECT count(*)::int AS orders, sum(version)::int AS events FROM order_summary',
  );
  expect(rows[0]).toEqual({ orders: SIMULATED_PATHS.length * 6, events: first.length + during.length });
});
