import type pg from 'pg';
import { SETTLES_PAYMENT } from '../domain/personalData';

export interface TokenRetention {
  /** Tokens of orders that never settled (the saga never started) go after this long. */
  maxTokenAgeMs: number;
}

/**
 * The vault's retention sweep: card tokens of settled payments, and tokens older than the maximum age
 * whatever happened. Run by the orders worker every `VAULT_PRUNE_INTERVAL_MS`.
 */
export async function pruneSettledTokens(pool: pg.Pool, { maxTokenAgeMs }: TokenRetention): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM vault_entries v WHERE v.field = 'paymentToken'
       AND (v.created_at < now() - make_interval(secs => $1::double precision / 1000)
            OR EXISTS (SELECT 1 FROM events e WHERE e.stream_id = 'order-' || v.order_id AND e.type = ANY($2)))`,
    [maxTokenAgeMs, SETTLES_PAYMENT],
  );
  return rowCount ?? 0;
}

/** Runs `sweep` now and then every `intervalMs` until stopped; a failed round is reported and retried next time. */
export function sweepEvery(
  intervalMs: number,
  sweep: () => Promise<unknown>,
  onError: (error: unknown) => void,
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const round = () => {
    running = sweep().catch(onError);
  };
  round();
  const timer = setInterval(round, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
