import type pg from 'pg';
import { runMigrations } from '../../postgres';
import { DependencyUnavailable } from '../errors';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from '../ports';

/** The API's own tables (scope `api` in schema_migrations). */
export const migrateApi = (pool: pg.Pool) =>
  runMigrations(pool, { scope: 'api', dir: new URL('../migrations', import.meta.url) });

interface KeyRow {
  request_hash: string;
  order_id: string;
  response: StoredResponse | null;
}

/** Idempotency keys in Postgres: the first insert wins, every later request reads what it stored. */
export function postgresIdempotencyStore(pool: pg.Pool, migrated: () => boolean): IdempotencyStore {
  return {
    async claim(key, requestHash, orderId): Promise<IdempotencyClaim> {
      if (!migrated()) throw new DependencyUnavailable('Postgres', 'the idempotency table is not ready yet');
      const inserted = await pool.query(
        `INSERT INTO idempotency_keys (key, request_hash, order_id) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO NOTHING RETURNING key`,
        [key, requestHash, orderId],
      );
      if (inserted.rowCount === 1) return { outcome: 'claimed' };
      const { rows } = await pool.query<KeyRow>(
        'SELECT request_hash, order_id, response FROM idempotency_keys WHERE key = $1',
        [key],
      );
      const row = rows[0];
      // Released between our insert and read: treat as ours on the next try.
      if (!row) return this.claim(key, requestHash, orderId);
      return {
        outcome: 'existing',
        requestHash: row.request_hash,
        orderId: row.order_id,
        response: row.response,
      };
    },
    async complete(key, response) {
      await pool.query(
        `UPDATE idempotency_keys SET response = $2, completed_at = now() WHERE key = $1 AND response IS NULL`,
        [key, JSON.stringify(response)],
      );
    },
    async release(key) {
      await pool.query('DELETE FROM idempotency_keys WHERE key = $1 AND response IS NULL', [key]);
    },
  };
}
