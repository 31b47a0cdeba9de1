import type pg from 'pg';
import { type AppliedMigration, runMigrations } from '../postgres';

/** Applies the notifier's own tables (scope `notifications`); safe from several processes at once. */
export const migrateNotifications = (pool: pg.Pool): Promise<AppliedMigration[]> =>
  runMigrations(pool, { scope: 'notifications', dir: new URL('./migrations', import.meta.url) });
