import type pg from 'pg';
import { hasHeldBackEvents, LOG_START, type LogCheckpoint } from '../eventstore';
import { lockHolders } from '../eventstore/consumers';
import { listCheckpoints } from './checkpoints';
import { READ_MODELS } from './readModels';

export interface ProjectionStatus {
  name: string;
  /** active: a projector holds its lock; idle: nobody runs it; failed: stopped at a poison event. */
  state: 'active' | 'idle' | 'failed';
  checkpoint: LogCheckpoint;
  /** Log head position minus the checkpoint's position; 0 exactly when nothing is left to apply. */
  lag: number;
  error: string | null;
  failedAt: LogCheckpoint | null;
  /** application_name of the connection holding the lock (`projector:<name>:<pid>`). */
  activeOn: string | null;
  updatedAt: Date;
}

/** Every projection's position, lag and state (the read models' and any other stored), for `npm run projections -- status` and `/readyz`. */
export async function getProjectionStatus(
  pool: pg.Pool,
  expected: readonly string[] = READ_MODELS.map((model) => model.name),
): Promise<ProjectionStatus[]> {
  const [stored, head] = await Promise.all([
    listCheckpoints(pool),
    pool.query<{ head: string }>('SELECT coalesce(max(position), 0) AS head FROM events'),
  ]);
  const headPosition = Number(head.rows[0]!.head);
  // A projection that never ran has no row yet: it stands at the start of the log.
  const checkpoints = [
    ...stored,
    ...expected
      .filter((name) => !stored.some((row) => row.name === name))
      .map((name) => ({
        name,
        checkpoint: LOG_START,
        status: 'running' as const,
        error: null,
        failedAt: null,
        updatedAt: new Date(0),
      })),
  ].sort((a, b) => a.name.localeCompare(b.name));
  // Caught up means nothing after the checkpoint in log order (the highest position can sort before it).
  const behind = await Promise.all(checkpoints.map((row) => hasHeldBackEvents(pool, row.checkpoint)));
  const holders = await lockHolders(
    pool,
    checkpoints.map((row) => row.name),
  );
  return checkpoints.map((row, index) => {
    const holder = holders.get(row.name);
    return {
      name: row.name,
      state: row.status === 'failed' ? 'failed' : holder ? 'active' : 'idle',
      checkpoint: row.checkpoint,
      lag: behind[index] ? Math.max(headPosition - row.checkpoint.position, 1) : 0,
      error: row.error,
      failedAt: row.failedAt,
      activeOn: holder?.applicationName ?? null,
      updatedAt: row.updatedAt,
    };
  });
}
