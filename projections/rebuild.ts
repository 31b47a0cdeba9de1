import pg from 'pg';
import {
  checkpointAfter,
  LOG_START,
  type LogCheckpoint,
  type LoggedEvent,
  MAX_READ_ALL_LIMIT,
  readAll,
} from '../eventstore';
import { type Logger, silentLogger, tryConsumerLock } from '../eventstore/consumers';
import { readCheckpoint, resetCheckpoint } from './checkpoints';
import { identifier } from './sql';
import type { ReadModel } from './types';

export const SHADOW_SUFFIX = '_rebuild';

export interface RebuildOptions {
  /** Events per page: read once, applied to each shadow in one transaction (default 10,000, the most readAll gives). */
  batchSize?: number;
  logger?: Logger;
}

export interface RebuildResult {
  readModels: string[];
  events: number;
  /** Where the rebuilt models stand; their live projections resume from here. */
  checkpoint: LogCheckpoint;
  ms: number;
}

/**
 * Replays the whole log into fresh shadow tables (`<table>_rebuild`), then swaps them in with
 * their checkpoints in one transaction. Until that commit the API reads the old tables and the
 * live projector keeps updating them; after it, the live projector finds its checkpoint moved
 * and carries on from the rebuilt position. Several models share one pass over the log.
 */
export async function rebuildReadModels(
  pool: pg.Pool,
  models: readonly ReadModel[],
  { batchSize = MAX_READ_ALL_LIMIT, logger = silentLogger }: RebuildOptions = {},
): Promise<RebuildResult> {
  const started = performance.now();
  // One connection per model, so the models' writes run side by side; the first also holds the lock.
  const writers = await Promise.all(models.map(() => connect(pool)));
  const [main] = writers as [pg.Client];
  try {
    if (!(await tryConsumerLock(main, 'rebuild'))) throw new Error('another rebuild is running');
    const tables = models.flatMap((model) => model.tables);
    for (const table of tables)
      await main.query(
        `DROP TABLE IF EXISTS ${identifier(table + SHADOW_SUFFIX)};
         CREATE TABLE ${identifier(table + SHADOW_SUFFIX)} (LIKE ${identifier(table)} INCLUDING ALL)`,
      );
    const shadows = models.map((model) => {
      const projection = model.projection({ suffix: SHADOW_SUFFIX, notify: false });
      return { projection, handled: new Set<string>(projection.handles) };
    });
    let checkpoint = LOG_START;
    let events = 0;
    // Read the next page while this one is written: reading and writing overlap.
    let next = readAll(pool, { after: checkpoint, limit: batchSize });
    for (;;) {
      const page: LoggedEvent[] = await next;
      if (page.length === 0) break;
      checkpoint = checkpointAfter(page[page.length - 1]!);
      const more = page.length === batchSize;
      if (more) {
        next = readAll(pool, { after: checkpoint, limit: batchSize });
        next.catch(() => {}); // awaited next round; a failure then is not unhandled now
      }
      await Promise.all(
        shadows.map(async ({ projection, handled }, index) => {
          const relevant = page.filter((event) => handled.has(event.type));
          if (relevant.length === 0) return;
          const writer = writers[index]!;
          await writer.query('BEGIN');
          await projection.apply(writer, relevant);
          await writer.query('COMMIT');
        }),
      );
      events += page.length;
      if (!more) break;
    }
    await swapIn(main, models, checkpoint);
    const result = {
      readModels: models.map((model) => model.name),
      events,
      checkpoint,
      ms: Math.round(performance.now() - started),
    };
    logger.info(result, `rebuilt ${result.readModels.join(', ')}`);
    return result;
  } finally {
    // Ending the sessions rolls back anything unfinished and releases the rebuild lock.
    await Promise.all(writers.map((writer) => writer.end().catch(() => {})));
  }
}

async function connect(pool: pg.Pool): Promise<pg.Client> {
  const client = new pg.Client({ ...pool.options, application_name: 'projections:rebuild' });
  client.on('error', () => {});
  await client.connect();
  // Shadow rows are derived data: a crash only means running the rebuild again.
  await client.query('SET synchronous_commit = off');
  return client;
}

/** One transaction: the live tables become the rebuilt ones and the checkpoints follow. */
async function swapIn(
  tx: pg.ClientBase,
  models: readonly ReadModel[],
  checkpoint: LogCheckpoint,
): Promise<void> {
  await tx.query('BEGIN');
  // Waits for a live batch in flight; the live projector's next batch sees the moved checkpoint.
  for (const model of models) await readCheckpoint(tx, model.name, { forUpdate: true });
  for (const table of models.flatMap((model) => model.tables)) {
    const retired = await indexNames(tx, table);
    await tx.query(`DROP TABLE ${identifier(table)}`);
    await tx.query(`ALTER TABLE ${identifier(table + SHADOW_SUFFIX)} RENAME TO ${identifier(table)}`);
    // Give the new table's indexes the old names, so later migrations find them.
    for (const [shape, name] of await indexNames(tx, table)) {
      const wanted = retired.get(shape);
      if (wanted && wanted !== name)
        await tx.query(`ALTER INDEX ${identifier(name)} RENAME TO ${identifier(wanted)}`);
    }
  }
  for (const model of models) await resetCheckpoint(tx, model.name, checkpoint);
  await tx.query('COMMIT');
}

/** Index name by its definition without names (e.g. `UNIQUE INDEX ON USING btree (order_id)`). */
async function indexNames(tx: pg.ClientBase, table: string): Promise<Map<string, string>> {
  const { rows } = await tx.query<{ indexname: string; indexdef: string }>(
    'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1',
    [table],
  );
  return new Map(rows.map((row) => [row.indexdef.replace(/INDEX \S+ ON \S+/, 'INDEX ON'), row.indexname]));
}
