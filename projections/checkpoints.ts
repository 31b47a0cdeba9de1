import type pg from 'pg';
import type { LogCheckpoint } from '../eventstore';
import type { ProjectorModeOptions } from '../eventstore/consumers';

/**
 * A consumer's place in the log, one row per consumer in `projection_checkpoints`. Written in
 * the same transaction as the projection's rows, so both commit or neither does. `/readyz`
 * reports lag from this table, so only projections keep their place here.
 */
export interface CheckpointRow {
  name: string;
  checkpoint: LogCheckpoint;
  status: 'running' | 'failed';
  error: string | null;
  /** The event that failed, when `status` is 'failed'; `checkpoint` is the last good one. */
  failedAt: LogCheckpoint | null;
  updatedAt: Date;
}

const SELECT = `SELECT name, transaction_id::text AS transaction_id, position, status, error,
  failed_transaction_id::text AS failed_transaction_id, failed_position, updated_at
  FROM projection_checkpoints`;

interface Stored {
  name: string;
  transaction_id: string;
  position: string;
  status: 'running' | 'failed';
  error: string | null;
  failed_transaction_id: string | null;
  failed_position: string | null;
  updated_at: Date;
}

function toCheckpointRow(row: Stored): CheckpointRow {
  return {
    name: row.name,
    checkpoint: { transactionId: row.transaction_id, position: Number(row.position) },
    status: row.status,
    error: row.error,
    failedAt:
      row.failed_transaction_id === null
        ? null
        : { transactionId: row.failed_transaction_id, position: Number(row.failed_position) },
    updatedAt: row.updated_at,
  };
}

/** The consumer's row, created at LOG_START the first time. `forUpdate` fences a batch against any other writer. */
export async function readCheckpoint(
  db: pg.ClientBase | pg.Pool,
  name: string,
  { forUpdate = false } = {},
): Promise<CheckpointRow> {
  const select = `${SELECT} WHERE name = $1${forUpdate ? ' FOR UPDATE' : ''}`;
  let { rows } = await db.query<Stored>(select, [name]);
  if (!rows[0]) {
    await db.query('INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [
      name,
    ]);
    ({ rows } = await db.query<Stored>(select, [name]));
  }
  return toCheckpointRow(rows[0]!);
}

/** The consumer's row, or undefined when it never ran; creates nothing (for readers such as waitForPosition). */
export async function findCheckpoint(
  db: pg.ClientBase | pg.Pool,
  name: string,
): Promise<CheckpointRow | undefined> {
  const { rows } = await db.query<Stored>(`${SELECT} WHERE name = $1`, [name]);
  return rows[0] && toCheckpointRow(rows[0]);
}

export async function listCheckpoints(db: pg.ClientBase | pg.Pool): Promise<CheckpointRow[]> {
  const { rows } = await db.query<Stored>(`${SELECT} ORDER BY name`);
  return rows.map(toCheckpointRow);
}

/** Moves the checkpoint (inside the batch's transaction); a 'failed' row stays failed. */
export async function saveCheckpoint(
  tx: pg.ClientBase,
  name: string,
  checkpoint: LogCheckpoint,
): Promise<void> {
  await tx.query(
    'UPDATE projection_checkpoints SET transaction_id = $2::xid8, position = $3, updated_at = now() WHERE name = $1',
    [name, checkpoint.transactionId, checkpoint.position],
  );
}

/** Stops the consumer at a poison event: the checkpoint stays at the last good event. */
export async function markFailed(
  db: pg.ClientBase | pg.Pool,
  name: string,
  at: LogCheckpoint,
  error: string,
): Promise<void> {
  await db.query(
    `UPDATE projection_checkpoints SET status = 'failed', error = $2, failed_transaction_id = $3::xid8,
       failed_position = $4, updated_at = now() WHERE name = $1`,
    [name, error, at.transactionId, at.position],
  );
}

/** Sets a checkpoint and clears any failure: a retry after a fix, or the swap at the end of a rebuild. */
export async function resetCheckpoint(
  db: pg.ClientBase | pg.Pool,
  name: string,
  checkpoint?: LogCheckpoint,
): Promise<void> {
  await db.query('INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [
    name,
  ]);
  await db.query(
    `UPDATE projection_checkpoints SET status = 'running', error = NULL, failed_transaction_id = NULL,
       failed_position = NULL, updated_at = now(),
       transaction_id = coalesce($2::xid8, transaction_id), position = coalesce($3, position)
     WHERE name = $1`,
    [name, checkpoint?.transactionId ?? null, checkpoint?.position ?? null],
  );
}

/** This table as the consumer runtime's checkpoint store, for projector mode. */
export const projectionCheckpoints: ProjectorModeOptions['checkpoints'] = {
  read: async (db, name, options) => {
    const row = await readCheckpoint(db, name, options);
    return { checkpoint: row.checkpoint, failed: row.status === 'failed' };
  },
  save: saveCheckpoint,
  markFailed,
};
