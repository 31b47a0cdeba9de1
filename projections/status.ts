import type pg from 'pg';
import type { LogCheckpoint } from '../eventstore';
import { lockHolders } from './advisoryLock';
import { listCheckpoints } from './checkpoints';

export interface ProjectionStatus {
  name: string;
  /** active: a projector holds its lock; idle: nobody runs it; failed: stopped at a poison event. */
  state: 'active' | 'idle' | 'failed';
  checkpoint: LogCheckpoint;
  /** Log head position minus the checkpoint's position (0 when caught up). */
  lag: number;
  error: string | null;
  failedAt: LogCheckpoint | null;
  /** application_name of the connection holding the lock (`projector:<name>:<pid>`). */
  activeOn: string | null;
  updatedAt: Date;
}

/** Every projection's position, lag and state, for `npm run projections -- status` and `/readyz`. */
export async function getProjectionStatus(pool: pg.Pool): Promise<ProjectionStatus[]> {
  const [checkpoints, head] = await Promise.all([
    listCheckpoints(pool),
    pool.query<{ head: string }>('SELECT coalesce(max(position), 0) AS head FROM events'),
  ]);
  const headPosition = Number(head.rows[0]!.head);
  const holders = await lockHolders(
    pool,
    checkpoints.map((row) => row.name),
  );
  return checkpoints.map((row) => {
    const holder = holders.get(row.name);
    return {
      name: row.name,
      state: row.status === 'failed' ? 'failed' : holder ? 'active' : 'idle',
      checkpoint: row.checkpoint,
      lag: Math.max(headPosition - row.checkpoint.position, 0),
      error: row.error,
      failedAt: row.failedAt,
      activeOn: holder?.applicationName ?? null,
      updatedAt: row.updatedAt,
    };
  });
}
