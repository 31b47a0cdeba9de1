import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { type AppliedMigration, runMigrations } from '../eventstore';

/** Applies the notifier's own tables (scope `notifications`); safe from several processes at once. */
export function migrateNotifications(pool: pg.Pool): Promise<AppliedMigration[]> {
  return runMigrations(pool, {
    scope: 'notifications',
    dir: fileURLToPath(new URL('./migrations', import.meta.url)),
  });
}
