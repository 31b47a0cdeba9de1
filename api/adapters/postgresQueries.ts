import type pg from 'pg';
import { orderStreamId } from '../../domain/events';
import { money } from '../../domain/money';
import { shopDate, startOfShopDay } from '../../domain/shopDay';
import { readStream } from '../../eventstore';
import {
  type BaristaTicket,
  boardOrders,
  getBaristaQueue,
  getDailySales,
  getOrderSummary,
  getProjectionStatus,
  listOrders,
  waitForPosition,
} from '../../projections';
import { InvalidRequest } from '../errors';
import type { OrderQueries, PersonalDataVault } from '../ports';
import { changesOf, foldOrder, viewOfState, viewOfSummary } from './orderView';

/** The shop's day: its time zone, and a clock tests may move (a day change without waiting for one). */
export interface ShopCalendar {
  timeZone: string;
  now?: () => Date;
}

/**
 * Queries read projections only (CQRS); the audit trail and time travel read the log itself. Names
 * and a customer's own words are resolved from the vault at read time (one lookup per answer), so
 * an erasure shows in every read at once, rebuilt read models included.
 */
export function postgresOrderQueries(
  pool: pg.Pool,
  vault: Pick<PersonalDataVault, 'personalData' | 'ordersOf'>,
  { timeZone, now = () => new Date() }: ShopCalendar = { timeZone: 'UTC' },
): OrderQueries {
  const stream = (orderId: string, upToTime?: Date) =>
    readStream(pool, orderStreamId(orderId), upToTime ? { upToTime } : {});
  const personalOf = async (orderId: string) => (await vault.personalData([orderId])).get(orderId);

  return {
    async getOrder(orderId) {
      // Side by side: the vault lookup adds no round trip to the hot read.
      const [summary, personal] = await Promise.all([getOrderSummary(pool, orderId), personalOf(orderId)]);
      return summary ? viewOfSummary(summary, personal) : null;
    },
    async listOrders({ customer, ...filter }) {
      try {
        const orderIds = customer === undefined ? undefined : await vault.ordersOf(customer);
        const page = await listOrders(pool, { ...filter, ...(orderIds ? { orderIds } : {}) });
        const personal = await vault.personalData(page.orders.map((order) => order.orderId));
        return {
          orders: page.orders.map((order) => viewOfSummary(order, personal.get(order.orderId))),
          nextCursor: page.nextCursor,
        };
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
    async boardOrders() {
      const orders = await boardOrders(pool, { finishedSince: startOfShopDay(now(), timeZone) });
      const personal = await vault.personalData(orders.map((order) => order.orderId));
      return orders.map((order) => viewOfSummary(order, personal.get(order.orderId)));
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
      return last ? viewOfState(foldOrder(events), last, await personalOf(orderId)) : null;
    },
    async orderChangesAfter(orderId, afterPosition) {
      const [events, personal] = await Promise.all([stream(orderId), personalOf(orderId)]);
      return changesOf(orderId, events, afterPosition, personal);
    },
    async baristaQueue() {
      const { toBrew, awaitingPickup } = await getBaristaQueue(pool);
      const personal = await vault.personalData([...toBrew, ...awaitingPickup].map((t) => t.orderId));
      const named = ({ customerRef: _ref, ...ticket }: BaristaTicket) => {
        const view = personal.get(ticket.orderId);
        return { ...ticket, customer: view?.customer ?? null, erased: view?.erased ?? false };
      };
      return { toBrew: toBrew.map(named), awaitingPickup: awaitingPickup.map(named) };
    },
    async dailySales(day) {
      const date = day ?? shopDate(now(), 'UTC');
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
