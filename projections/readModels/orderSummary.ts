import type { OrderEvent, OrderLine } from '../../domain/events';
import { ORDER_EVENT_TYPES } from '../../domain/events';
import { evolve, initialOrderState, type OrderState, type OrderTimestamps } from '../../domain/evolve';
import type { Money } from '../../domain/money';
import type { OrderStatus } from '../../domain/status';
import type { LoggedEvent } from '../../eventstore/types';
import { identifier, loadRows, storedOnes, upsertRows } from '../sql';
import type { ReadModel } from '../types';
import {
  COLUMNS,
  ORDER_SUMMARY_TABLE,
  placeOfRow,
  type Row,
  type RowPlace,
  rowOf,
  stateOfRow,
} from './orderSummaryRow';

export { ORDER_SUMMARY_TABLE } from './orderSummaryRow';

/** One row per order, mapped from its state (domain/evolve.ts): what `GET /orders/:id` and `GET /orders` answer. */
export interface OrderSummary {
  orderId: string;
  status: OrderStatus;
  /** Where the customer's name lives in the vault; the API resolves it at read time. */
  customerRef: string;
  /** `OrderDataErased` was recorded. */
  erased: boolean;
  items: OrderLine[];
  total: Money;
  /** What went back to the customer's card; zero when nothing did. */
  refunded: Money;
  /** Why it was declined, rejected, failed or cancelled. */
  reason: string | null;
  pickupDeadline: string | null;
  /** The customer was told (ready / abandoned / refunded) at least once. */
  notified: boolean;
  /** Drinks sent back so far, and brews made again for them. */
  rejections: number;
  remakes: number;
  /** The machine runs (batches) that made the drinks now on the counter: the name on the cup. */
  batchIds: string[];
  /** When each step happened (ISO instants), null until it has: the fold's own names. */
  timestamps: OrderTimestamps;
  /** Global log position of the last event folded into this row. */
  position: number;
  /** The order stream's version after that event. */
  version: number;
  updatedAt: string;
}

/** `pg_notify` channel the live projection signals each changed order on, in the same transaction. */
export const ORDER_CHANGED_CHANNEL = 'order_changed';

/** Payload of an `order_changed` notification: `<orderId>:<position>`. */
export function parseOrderChanged(payload: string): { orderId: string; position: number } {
  const cut = payload.lastIndexOf(':');
  return { orderId: payload.slice(0, cut), position: Number(payload.slice(cut + 1)) };
}

interface Folding {
  state: OrderState;
  place: RowPlace;
}

/**
 * Folds one more event into an order's state (the page owns its foldings: edited in place). An
 * event for an order never placed is a poison event: it throws.
 */
function fold(folding: Folding | undefined, logged: LoggedEvent): Folding {
  const event = logged as unknown as OrderEvent;
  const { orderId, at } = event.data;
  if (event.type === 'OrderPlaced') {
    const { items, total } = event.data;
    if (!Array.isArray(items) || !Number.isInteger(total?.amount))
      throw new Error(`malformed OrderPlaced for order ${orderId}`);
    const place = { placedPosition: logged.position, lastPosition: logged.position, updatedAt: at };
    return { state: evolve(folding?.state ?? initialOrderState(), event), place };
  }
  if (folding === undefined) throw new Error(`${event.type} for order ${orderId}, which was never placed`);
  folding.state = evolve(folding.state, event);
  folding.place.lastPosition = logged.position;
  folding.place.updatedAt = at;
  return folding;
}

export const orderSummary: ReadModel = {
  name: 'orderSummary',
  tables: [ORDER_SUMMARY_TABLE],
  handles: ORDER_EVENT_TYPES,
  projection({ suffix = '', notify = true } = {}) {
    const table = identifier(ORDER_SUMMARY_TABLE + suffix);
    return {
      name: this.name,
      handles: this.handles,
      tables: [table],
      async apply(tx, events) {
        const stored = await loadRows<Row>(tx, table, 'order_id', storedOnes(events));
        const orders = new Map<string, Folding>();
        for (const [orderId, row] of stored)
          orders.set(orderId, { state: stateOfRow(row), place: placeOfRow(row) });
        for (const event of events) {
          const orderId = event.data.orderId as string;
          orders.set(orderId, fold(orders.get(orderId), event));
        }
        const changed = [...orders.values()].map(({ state, place }) => rowOf(state, place));
        await upsertRows(tx, table, COLUMNS, ['order_id'], changed);
        if (notify)
          await tx.query(
            `SELECT pg_notify($1, id || ':' || position) FROM unnest($2::text[], $3::bigint[]) AS c(id, position)`,
            [
              ORDER_CHANGED_CHANNEL,
              changed.map((row) => row.order_id),
              changed.map((row) => row.last_position),
            ],
          );
      },
    };
  },
};
