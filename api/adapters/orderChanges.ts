import pg from 'pg';
import { connectionOptions, watchLiveness } from '../../postgres';
import { ORDER_CHANGED_CHANNEL, parseOrderChanged } from '../../projections';
import type { Logger } from '../logger';
import type { OrderChangeNotice, OrderChanges } from '../ports';

export interface PgOrderChanges extends OrderChanges {
  /** True while LISTEN is established, i.e. no notification can be missed. */
  isLive(): boolean;
  /** Tells this process's listeners at once (an erasure here), before the projector's notification. */
  announce(notice: OrderChangeNotice): void;
  close(): Promise<void>;
}

/**
 * One LISTEN connection per API process fans the projector's `order_changed` notifications out
 * to every open SSE stream. It reconnects by itself; streams poll meanwhile, so nothing is missed.
 */
export function listenForOrderChanges(connectionString: string, logger: Logger): PgOrderChanges {
  const listeners = new Set<(notice: OrderChangeNotice) => void>();
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let liveness: { stop(): void } | undefined;

  const connect = async () => {
    if (closed) return;
    const next = new pg.Client({
      ...connectionOptions(connectionString, 'api'),
      application_name: `api:order-changes:${process.pid}`,
    });
    next.on('notification', (message) => {
      if (!message.payload) return;
      const notice = parseOrderChanged(message.payload);
      for (const listener of listeners) listener(notice);
    });
    const lost = (error: Error) => {
      logger.warn({ err: error }, 'order change listener lost its connection; reconnecting');
      void next.end().catch(() => {});
      if (client !== next) return;
      client = undefined;
      liveness?.stop();
      scheduleReconnect();
    };
    next.on('error', lost);
    try {
      await next.connect();
      await next.query(`LISTEN ${ORDER_CHANGED_CHANNEL}`);
      if (closed) await next.end();
      else {
        client = next;
        // An idle LISTEN session behind a partition looks alive forever: ping it with a deadline.
        liveness = watchLiveness(next, { everyMs: 5_000, timeoutMs: 5_000, onDead: lost });
      }
    } catch (error) {
      logger.warn({ err: error }, 'order change listener cannot connect; retrying');
      void next.end().catch(() => {});
      scheduleReconnect();
    }
  };
  const scheduleReconnect = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, 1_000);
    retry.unref();
  };
  void connect();

  return {
    isLive: () => client !== undefined,
    announce(notice) {
      for (const listener of listeners) listener(notice);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      listeners.clear();
      liveness?.stop();
      await client?.end().catch(() => {});
    },
  };
}

/**
 * Tells every API process at once that an order changed (an erasure), as the projector would after
 * folding it: their caches drop the order now, not once the projector has caught up. Position 0: unknown.
 */
export async function notifyOrderChanged(pool: pg.Pool, orderId: string): Promise<void> {
  await pool.query('SELECT pg_notify($1, $2)', [ORDER_CHANGED_CHANNEL, `${orderId}:0`]);
}
