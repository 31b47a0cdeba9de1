import type pg from 'pg';
import type { CheckpointStore } from '../eventstore/consumers';
import { LOG_START, type LogCheckpoint } from '../eventstore/types';

/**
 * Where the reactor stands, in its own table: in `projection_checkpoints` its backlog during a
 * provider outage would count as projection lag and turn `/readyz` to degraded.
 */
export async function loadCheckpoint(db: pg.ClientBase | pg.Pool, reactor: string): Promise<LogCheckpoint> {
  const { rows } = await db.query<{ transaction_id: string; position: string }>(
    'SELECT transaction_id::text AS transaction_id, position FROM notification_checkpoints WHERE reactor = $1',
    [reactor],
  );
  const row = rows[0];
  return row ? { transactionId: row.transaction_id, position: Number(row.position) } : LOG_START;
}

/** Moves the checkpoint forward only: a stale writer can never move it back. */
export async function saveCheckpoint(
  db: pg.ClientBase,
  reactor: string,
  checkpoint: LogCheckpoint,
): Promise<void> {
  await db.query(
    `INSERT INTO notification_checkpoints AS c (reactor, transaction_id, position)
     VALUES ($1, $2::xid8, $3)
     ON CONFLICT (reactor) DO UPDATE SET transaction_id = excluded.transaction_id,
       position = excluded.position, updated_at = now()
     WHERE (c.transaction_id, c.position) < (excluded.transaction_id, excluded.position)`,
    [reactor, checkpoint.transactionId, checkpoint.position],
  );
}

/** This table as the consumer runtime's checkpoint store; a reactor never halts (it dead-letters). */
export const notificationCheckpoints: CheckpointStore = {
  read: async (db, reactor) => ({ checkpoint: await loadCheckpoint(db, reactor), failed: false }),
  save: saveCheckpoint,
};
