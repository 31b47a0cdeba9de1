import type pg from 'pg';
import { orderStreamId } from '../../domain/events';
import { money } from '../../domain/money';
import { readStream } from '../../eventstore';
import {
  getBaristaQueue,
  getDailySales,
  getOrderSummary,
  getProjectionStatus,
  listOrders,
  waitForPosition,
} from '../../projections';
import { InvalidRequest } from '../errors';
import type { OrderQueries } from '../ports';
import { changesOf, foldOrder, viewOfState, viewOfSummary } from './orderView';

/** Queries read projections only (CQRS); the audit trail and time travel read the log itself. */
export function postgresOrderQueries(pool: pg.Pool): OrderQueries {
  const stream = (orderId: string, upToTime?: Date) =>
    readStream(pool, orderStreamId(orderId), upToTime ? { upToTime } : {});

  return {
    async getOrder(orderId) {
      const summary = await getOrderSummary(pool, orderId);
      return summary ? viewOfSummary(summary) : null;
    },
    async listOrders(filter) {
      try {
        const page = await listOrders(pool, filter);
        return { orders: page.orders.map(viewOfSummary), nextCursor: page.nextCursor };
      } catch (error) {
        if (error instanceof RangeError)
          throw new InvalidRequest('the cursor is invalid', [
            {
              location: 'query',
              pointer: 'cursor',
              message: 'not a cursor this API gave out',
              code: 'invalid_cursor',
            },
          ]);
        throw error;
      }
    },
    async orderEvents(orderId) {
      return (await stream(orderId)).map((event) => ({
        position: event.position,
        streamVersion: event.streamVersion,
        eventId: event.eventId,
        type: event.type,
        data: event.data,
        metadata: event.metadata,
        recordedAt: event.recordedAt.toISOString(),
      }));
    },
    async orderAsOf(orderId, asOf) {
      const events =
        'position' in asOf
          ? (await stream(orderId)).filter((event) => event.position <= asOf.position)
          : await stream(orderId, asOf.time);
      const last = events.at(-1);
      return last ? viewOfState(foldOrder(events), last) : null;
    },
    async orderChangesAfter(orderId, afterPosition) {
      return changesOf(orderId, await stream(orderId), afterPosition);
    },
    baristaQueue: async () => ({ ...(await getBaristaQueue(pool)) }),
    async dailySales(day) {
      const date = day ?? new Date().toISOString().slice(0, 10);
      const [sales] = await getDailySales(pool, { from: date, to: date });
      if (sales) return { ...sales };
      const zero = money(0);
      return { day: date, revenue: zero, refunds: zero, net: zero, orders: { placed: 0 }, drinks: [] };
    },
    waitForPosition: (position, timeoutMs) => waitForPosition(pool, 'orderSummary', position, timeoutMs),
  };
}

/** How far the slowest projection is behind the head of the log (the whole log when none ever ran). */
export async function projectionLag(pool: pg.Pool): Promise<number> {
  const statuses = await getProjectionStatus(pool);
  if (statuses.length > 0) return Math.max(...statuses.map((status) => status.lag));
  const { rows } = await pool.query<{ head: string }>(
    'SELECT coalesce(max(position), 0) AS head FROM events',
  );
  return Number(rows[0]?.head ?? 0);
}
