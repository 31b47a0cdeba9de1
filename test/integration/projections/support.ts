import type pg from 'pg';
import { createEventStore, type EventStore, migrateEventStore, readAll } from '../../../eventstore';
import { migrateProjections } from '../../../projections';
import type { Projection } from '../../../projections/types';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { waitFor } from '../../support/waitFor';

export interface ProjectionsDatabase extends TestDatabase {
  store: EventStore;
}

/** A fresh database with the event store's and the projections' tables. */
export async function projectionsDatabase(): Promise<ProjectionsDatabase> {
  const db = await createTestDatabase();
  db.pool.on('error', () => {});
  await migrateEventStore(db.pool);
  await migrateProjections(db.pool);
  const store = createEventStore(db.pool);
  return {
    ...db,
    store,
    async drop() {
      await store.close();
      await db.drop();
    },
  };
}

/**
 * Folds the whole log into a projection's tables, without checkpoints: the "when" of a projection
 * spec. `oneByOne` applies each event in its own transaction, so every step starts from stored rows.
 */
export async function project(
  pool: pg.Pool,
  projection: Projection,
  { oneByOne = false }: { oneByOne?: boolean } = {},
): Promise<void> {
  const events = await waitFor(async () => {
    // Gap-safe reads lag behind any transaction still open on the server (other test files' too).
    const [read, { rows }] = await Promise.all([
      readAll(pool, { limit: 10_000 }),
      pool.query('SELECT count(*)::int AS n FROM events'),
    ]);
    if (read.length !== rows[0].n) throw new Error(`only ${read.length} of ${rows[0].n} events readable yet`);
    return read;
  });
  const handled = new Set<string>(projection.handles);
  const relevant = events.filter((event) => handled.has(event.type));
  const client = await pool.connect();
  try {
    for (const page of oneByOne ? relevant.map((event) => [event]) : [relevant]) {
      await client.query('BEGIN');
      await projection.apply(client, page);
      await client.query('COMMIT');
    }
  } finally {
    client.release();
  }
}

/** Every row of a table in a stable order, for row-for-row comparisons. */
export async function tableRows(pool: pg.Pool, table: string): Promise<unknown[]> {
  const { rows } = await pool.query(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY to_jsonb(t)::text`);
  return rows.map((row) => row.row);
}
