import type pg from 'pg';
import { runMigrations } from '../../postgres';
import { DependencyUnavailable } from '../errors';
import type { Logger } from '../logger';
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
    async claim(key, requestHash, orderId, orderTokenHash): Promise<IdempotencyClaim> {
      if (!migrated()) throw new DependencyUnavailable('Postgres', 'the idempotency table is not ready yet');
      // One statement: the order's token exists exactly when its key was claimed.
      const inserted = await pool.query(
        `WITH claimed AS (
           INSERT INTO idempotency_keys (key, request_hash, order_id) VALUES ($1, $2, $3)
           ON CONFLICT (key) DO NOTHING RETURNING order_id
         ), token AS (
           INSERT INTO order_tokens (order_id, token_hash) SELECT order_id, $4 FROM claimed
           ON CONFLICT DO NOTHING
         )
         SELECT order_id FROM claimed`,
        [key, requestHash, orderId, orderTokenHash],
      );
      if (inserted.rowCount === 1) return { outcome: 'claimed' };
      const { rows } = await pool.query<KeyRow>(
        'SELECT request_hash, order_id, response FROM idempotency_keys WHERE key = $1',
        [key],
      );
      const row = rows[0];
      // Released between our insert and read: treat as ours on the next try.
      if (!row) return this.claim(key, requestHash, orderId, orderTokenHash);
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
    async prune(olderThanHours) {
      const { rowCount } = await pool.query(
        `DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1::float8 * 3600)`,
        [olderThanHours],
      );
      return rowCount ?? 0;
    },
  };
}

/** Prunes keys past their retention now and every `everyMs`; a replay after that places a new order. */
export function pruneKeysPeriodically(
  store: IdempotencyStore,
  options: { retentionHours: number; everyMs: number },
  logger: Logger,
): () => void {
  const prune = () =>
    store.prune(options.retentionHours).then(
      (pruned) => pruned > 0 && logger.info({ pruned }, 'idempotency keys pruned'),
      (error: unknown) => logger.warn({ err: error }, 'cannot prune idempotency keys; trying again later'),
    );
  const timer = setInterval(prune, options.everyMs);
  timer.unref();
  void prune();
  return () => clearInterval(timer);
}
