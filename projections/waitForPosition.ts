import type pg from 'pg';
import { checkpointAtOrBefore, hasReached, type LogCheckpoint } from '../eventstore';
import { findCheckpoint } from './checkpoints';

/**
 * Read-your-writes: resolves true once the projection has applied the event at `position`
 * (a command's answer), false when `timeoutMs` passes first. A position the log does not hold
 * waits for the event before it, so 0 (or any position before the first event) is reached at once
 * and one past the head waits for the head. Positions commit out of order, so "reached" compares
 * (transaction id, position) checkpoints.
 */
export async function waitForPosition(
  pool: pg.Pool,
  projection: string,
  position: number | LogCheckpoint,
  timeoutMs = 5000,
): Promise<boolean> {
  const deadline = Date.now() + Math.min(Math.max(timeoutMs, 0), 30_000);
  const target = typeof position === 'number' ? await checkpointAtOrBefore(pool, position) : position;
  if (!target) return true;
  for (let delayMs = 5; ; delayMs = Math.min(delayMs * 2, 50)) {
    const row = await findCheckpoint(pool, projection);
    if (row && hasReached(row.checkpoint, target)) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(delayMs, left)));
  }
}
