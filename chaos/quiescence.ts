import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import type pg from 'pg';
import { getProjectionStatus } from '../projections';
import { TERMINAL_EVENT_TYPES } from './checks';
import type { OrderRecord } from './driver';

/**
 * Quiet means: every acknowledged order has its terminal event, every projection and the notifier
 * have reached the head of the log, and the head has stopped moving. Null when it never got there.
 */
export async function waitForQuiescence(
  pool: pg.Pool,
  records: OrderRecord[],
  timeoutMs: number,
): Promise<number | null> {
  const started = Date.now();
  const streams = records.filter((record) => record.orderId).map((record) => `order-${record.orderId}`);
  let lastHead = -1;
  let stableFor = 0;
  while (Date.now() - started < timeoutMs) {
    try {
      const { rows } = await pool.query<{
        finished: string;
        head: string;
        told: string;
        notifier: string | null;
      }>(
        `SELECT
           (SELECT count(DISTINCT stream_id) FROM events WHERE stream_id = ANY($1) AND type = ANY($2)) AS finished,
           (SELECT coalesce(max(position), 0) FROM events) AS head,
           (SELECT coalesce(max(position), 0) FROM events
             WHERE type IN ('OrderReady', 'OrderAbandoned', 'PaymentRefunded')) AS told,
           (SELECT max(position) FROM notification_checkpoints) AS notifier`,
        [streams, TERMINAL_EVENT_TYPES],
      );
      const row = rows[0]!;
      const projections = await getProjectionStatus(pool);
      const caughtUp =
        Number(row.finished) === streams.length &&
        projections.length > 0 &&
        projections.every((projection) => projection.lag === 0 && projection.state !== 'failed') &&
        Number(row.notifier ?? 0) >= Number(row.told);
      const head = Number(row.head);
      stableFor = caughtUp && head === lastHead ? stableFor + 1 : 0;
      lastHead = head;
      if (stableFor >= 3) return Date.now() - started;
    } catch {
      // Postgres may still be coming back: ask again
    }
    await sleep(1_000);
  }
  return null;
}

export async function countRunningWorkflows(address: string): Promise<number | null> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address });
    const client = new Client({ connection });
    const { count } = await client.workflow.count('ExecutionStatus = "Running"');
    return count;
  } catch {
    return null;
  } finally {
    await connection?.close();
  }
}
