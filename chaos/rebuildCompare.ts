import type pg from 'pg';
import { checkpointAfter, LOG_START, type LoggedEvent, MAX_READ_ALL_LIMIT, readAll } from '../eventstore';
import { READ_MODELS } from '../projections';

const CHECK_SUFFIX = '_chaoscheck';

/**
 * Replays the whole log into copies of the read model tables (never touching the live ones) and
 * counts the rows that differ either way: a read model must equal a fresh rebuild, row for row.
 */
export async function compareWithRebuild(pool: pg.Pool): Promise<Record<string, number>> {
  const client = await pool.connect();
  const mismatches: Record<string, number> = {};
  const tables = READ_MODELS.flatMap((model) => model.tables);
  try {
    for (const table of tables)
      await client.query(
        `DROP TABLE IF EXISTS "${table}${CHECK_SUFFIX}"; CREATE TABLE "${table}${CHECK_SUFFIX}" (LIKE "${table}" INCLUDING ALL)`,
      );
    const shadows = READ_MODELS.map((model) => model.projection({ suffix: CHECK_SUFFIX, notify: false }));
    let after = LOG_START;
    for (;;) {
      const page: LoggedEvent[] = await readAll(pool, { after, limit: MAX_READ_ALL_LIMIT });
      if (page.length === 0) break;
      after = checkpointAfter(page[page.length - 1]!);
      for (const shadow of shadows) {
        const handled = new Set<string>(shadow.handles);
        const relevant = page.filter((event) => handled.has(event.type));
        if (relevant.length === 0) continue;
        await client.query('BEGIN');
        await shadow.apply(client, relevant);
        await client.query('COMMIT');
      }
    }
    for (const table of tables) {
      const { rows } = await client.query<{ n: string }>(
        `SELECT (SELECT count(*) FROM (SELECT * FROM "${table}" EXCEPT ALL SELECT * FROM "${table}${CHECK_SUFFIX}") a)
              + (SELECT count(*) FROM (SELECT * FROM "${table}${CHECK_SUFFIX}" EXCEPT ALL SELECT * FROM "${table}") b) AS n`,
      );
      mismatches[table] = Number(rows[0]?.n ?? 0);
    }
  } finally {
    for (const table of tables)
      await client.query(`DROP TABLE IF EXISTS "${table}${CHECK_SUFFIX}"`).catch(() => {});
    client.release();
  }
  return mismatches;
}
