import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { isConnectionError } from './connectionErrors';

// Hand-written on purpose: postgres-migrations and node-pg-migrate keep one folder per table,
// while eventstore/, projections/, notifications/, api/ and simulators/ each own a folder (a scope) in one table.

export interface MigrationScope {
  /** Who owns these migrations, e.g. `eventstore` or `projections`. */
  scope: string;
  /** A folder of `NNN_name.sql` files, applied in NNN order (a path, or a file: URL). */
  dir: string | URL;
}

export interface AppliedMigration {
  scope: string;
  version: number;
  name: string;
}

interface MigrationFile extends AppliedMigration {
  sql: string;
  checksum: string;
}

const FILE_NAME = /^(\d+)_([\w-]+)\.sql$/;

/** Applies the scope's pending migrations; safe to call from several processes at once. */
export async function runMigrations(
  pool: pg.Pool,
  { scope, dir }: MigrationScope,
): Promise<AppliedMigration[]> {
  const files = await readMigrationFiles(scope, typeof dir === 'string' ? dir : fileURLToPath(dir));
  const client = await connectPatiently(pool);
  let broken: Error | undefined;
  try {
    // Session lock: the second process waits here, then finds everything applied.
    await client.query(`SELECT pg_advisory_lock(hashtextextended('schema_migrations', 0))`);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        scope text NOT NULL, version integer NOT NULL, name text NOT NULL, checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (scope, version))`);
      const { rows } = await client.query<{ version: number; checksum: string }>(
        'SELECT version, checksum FROM schema_migrations WHERE scope = $1',
        [scope],
      );
      const applied = new Map(rows.map((row) => [row.version, row.checksum]));
      const newlyApplied: AppliedMigration[] = [];
      for (const file of files) {
        const checksum = applied.get(file.version);
        if (checksum !== undefined) {
          if (checksum !== file.checksum)
            throw new Error(`migration ${scope}/${file.version}_${file.name} changed after it was applied`);
          continue;
        }
        await applyInTransaction(client, file);
        newlyApplied.push({ scope, version: file.version, name: file.name });
      }
      return newlyApplied;
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtextextended('schema_migrations', 0))`);
    }
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    // A connection whose unlock may not have run must not go back to the pool holding the lock.
    client.release(broken);
  }
}

async function applyInTransaction(client: pg.PoolClient, file: MigrationFile): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(file.sql);
    await client.query(
      'INSERT INTO schema_migrations (scope, version, name, checksum) VALUES ($1, $2, $3, $4)',
      [file.scope, file.version, file.name, file.checksum],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new Error(
      `migration ${file.scope}/${file.version}_${file.name} failed: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

async function readMigrationFiles(scope: string, dir: string): Promise<MigrationFile[]> {
  const files: MigrationFile[] = [];
  for (const entry of (await readdir(dir)).sort()) {
    const match = FILE_NAME.exec(entry);
    if (!match) continue;
    const sql = await readFile(join(dir, entry), 'utf8');
    const version = Number(match[1]);
    if (files.some((file) => file.version === version))
      throw new Error(`two migrations in ${dir} share version ${version}`);
    const checksum = createHash('sha256').update(sql).digest('hex');
    files.push({ scope, version, name: match[2]!, sql, checksum });
  }
  return files.sort((a, b) => a.version - b.version);
}

/**
 * A process started while Postgres restarts waits for it (up to a minute) instead of exiting:
 * its supervisor would only start it again, later.
 */
async function connectPatiently(pool: pg.Pool, patienceMs = 60_000): Promise<pg.PoolClient> {
  const deadline = Date.now() + patienceMs;
  for (let pause = 200; ; pause = Math.min(pause * 2, 2_000)) {
    try {
      return await pool.connect();
    } catch (error) {
      if (!isConnectionError(error) || Date.now() + pause > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
