import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { type AppliedMigration, runMigrations } from '../eventstore';

/** The checkpoint table and the read models' live tables (the `projections` migration scope). */
export function migrateProjections(pool: pg.Pool): Promise<AppliedMigration[]> {
  return runMigrations(pool, {
    scope: 'projections',
    dir: fileURLToPath(new URL('./migrations', import.meta.url)),
  });
}
