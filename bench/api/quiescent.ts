import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { getProjectionStatus } from '../../projections/status';

/** Where a saga stops working until its customer comes: READY, or an end before it. */
const SETTLED = ['OrderReady', 'OrderRejected', 'OrderFailed', 'OrderCancelled'];

/**
 * Waits until every order placed so far has stopped working (READY or ended before it) and every
 * projection has applied the whole log: the CPU a round caused is then all spent, none left for the next.
 * Returns the seconds it waited.
 */
export async function untilQuiescent(pool: pg.Pool, timeoutMs = 180_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    const { rows } = await pool.query<{ placed: string; settled: string }>(
      `SELECT count(*) FILTER (WHERE type = 'OrderPlaced') AS placed,
              count(DISTINCT stream_id) FILTER (WHERE type = ANY($1)) AS settled
         FROM events`,
      [SETTLED],
    );
    const { placed, settled } = rows[0]!;
    if (placed === settled) {
      const lagging = (await getProjectionStatus(pool)).some((projection) => projection.lag > 0);
      if (!lagging) return (performance.now() - started) / 1000;
    }
    if (performance.now() - started > timeoutMs)
      throw new Error(`orders still working after ${timeoutMs} ms: ${settled} of ${placed} settled`);
    await sleep(100);
  }
}
