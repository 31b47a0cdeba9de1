import type pg from 'pg';
import { type AppliedMigration, runMigrations } from '../postgres';

/** The checkpoint table and the read models' live tables (the `projections` migration scope). */
export const migrateProjections = (pool: pg.Pool): Promise<AppliedMigration[]> =>
  runMigrations(pool, { scope: 'projections', dir: new URL('./migrations', import.meta.url) });
