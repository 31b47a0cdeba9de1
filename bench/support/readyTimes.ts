import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';

/** When each order's OrderReady was recorded, waiting up to the drain time for stragglers. */
export async function readyTimes(
  pool: pg.Pool,
  starts: Map<string, number>,
  drainSeconds: number,
): Promise<Map<string, number>> {
  const deadline = Date.now() + drainSeconds * 1000;
  for (;;) {
    const { rows } = await pool.query<{ stream_id: string; recorded_at: Date }>(
      `SELECT stream_id, recorded_at FROM events WHERE type = 'OrderReady' AND stream_id = ANY($1)`,
      [[...starts.keys()]],
    );
    if (rows.length === starts.size || Date.now() > deadline)
      return new Map(rows.map((row) => [row.stream_id, row.recorded_at.getTime()]));
    await sleep(500);
  }
}
