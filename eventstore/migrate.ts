import type pg from 'pg';
import { type AppliedMigration, runMigrations } from '../postgres';

/** Applies the event store's own schema. */
export const migrateEventStore = (pool: pg.Pool): Promise<AppliedMigration[]> =>
  runMigrations(pool, { scope: 'eventstore', dir: new URL('./migrations', import.meta.url) });
