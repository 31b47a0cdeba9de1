import type pg from 'pg';
import { ORDER_EVENT_TYPES, type OrderEvent, type OrderLine } from '../../domain/events';
import type { Money } from '../../domain/money';
import type { OrderStatus } from '../../domain/status';
import type { LoggedEvent } from '../../eventstore/types';
import { type Columns, identifier, iso, loadRows, storedOnes, upsertRows } from '../sql';
import type { ReadModel } from '../types';

/** One row per order: what `GET /orders/:id` and `GET /orders` answer. */
export interface OrderSummary {
  orderId: string;
  customer: string;
  status: OrderStatus;
  items: OrderLine[];
  total: Money;
  refunded: Money;
  /** The customer was told (ready / abandoned / refunded) at least once. */
  notified: boolean;
  /** Why it was rejected, failed or cancelled. */
  reason: string | null;
  pickupDeadline: string | null;
  /** When each step happened (ISO instants), null until it has. */
  timestamps: Record<OrderStep, string | null>;
  /** Global log position of the last event folded into this row. */
  position: number;
  /** The order stream's version after that event. */
  version: number;
  updatedAt: string;
}

const STEPS = {
  placed: 'placed_at',
  paid: 'paid_at',
  brewingStarted: 'brewing_started_at',
  ready: 'ready_at',
  pickedUp: 'picked_up_at',
  completed: 'completed_at',
  rejected: 'rejected_at',
  failed: 'failed_at',
  cancelled: 'cancelled_at',
  abandoned: 'abandoned_at',
  drinkDiscarded: 'discarded_at',
  refunded: 'refunded_at',
} as const;
export type OrderStep = keyof typeof STEPS;

export const ORDER_SUMMARY_TABLE = 'order_summary';
/** `pg_notify` channel the live projection signals each changed order on, in the same transaction. */
export const ORDER_CHANGED_CHANNEL = 'order_changed';

/** Payload of an `order_changed` notification: `<orderId>:<position>`. */
export function parseOrderChanged(payload: string): { orderId: string; position: number } {
  const cut = payload.lastIndexOf(':');
  return { orderId: payload.slice(0, cut), position: Number(payload.slice(cut + 1)) };
}

const COLUMNS: Columns = {
  order_id: 'text',
  customer: 'text',
  status: 'text',
  items: 'jsonb',
  total_amount: 'bigint',
  currency: 'text',
  refunded_amount: 'bigint',
  notified: 'boolean',
  reason: 'text',
  pickup_deadline: 'timestamptz',
  ...Object.fromEntries(Object.values(STEPS).map((column) => [column, 'timestamptz'])),
  placed_position: 'bigint',
  last_position: 'bigint',
  version: 'integer',
  updated_at: 'timestamptz',
};
type Row = Record<string, unknown> & { order_id: string; refunded_amount: number; last_position: number };

/**
 * Folds one event into an order's row (updated in place: the page owns its rows). An event
 * for an order never placed is a poison event: it throws.
 */
function evolve(row: Row | undefined, logged: LoggedEvent): Row {
  const event = logged as unknown as OrderEvent;
  const { orderId, at } = event.data;
  if (event.type === 'OrderPlaced') {
    const { customer, items, total } = event.data;
    if (typeof customer !== 'string' || !Array.isArray(items) || !Number.isInteger(total?.amount))
      throw new Error(`malformed OrderPlaced for order ${orderId}`);
    // Every column spelled out, in table order: one object shape for all rows.
    return {
      order_id: orderId,
      customer,
      status: 'PLACED',
      items,
      total_amount: total.amount,
      currency: total.currency,
      refunded_amount: 0,
      notified: false,
      reason: null,
      pickup_deadline: null,
      placed_at: at,
      paid_at: null,
      brewing_started_at: null,
      ready_at: null,
      picked_up_at: null,
      completed_at: null,
      rejected_at: null,
      failed_at: null,
      cancelled_at: null,
      abandoned_at: null,
      discarded_at: null,
      refunded_at: null,
      placed_position: logged.position,
      last_position: logged.position,
      version: logged.streamVersion,
      updated_at: at,
    };
  }
  if (!row) throw new Error(`${event.type} for order ${orderId}, which was never placed`);
  row.last_position = logged.position;
  row.version = logged.streamVersion;
  row.updated_at = at;
  switch (event.type) {
    case 'PaymentCharged':
    case 'PaymentAuthorized':
      row.status = 'PAID';
      row.paid_at = at;
      break;
    // Money held then taken or released: the status already says it (READY follows, or FAILED/CANCELLED).
    case 'PaymentCaptured':
    case 'AuthorizationVoided':
      break;
    case 'PaymentDeclined':
      row.reason = event.data.reason;
      break;
    case 'OrderRejected':
      row.status = 'REJECTED';
      row.rejected_at = at;
      row.reason = event.data.reason;
      break;
    case 'BrewingStarted':
      row.status = 'BREWING';
      row.brewing_started_at = at;
      break;
    case 'OrderReady':
      row.status = 'READY';
      row.ready_at = at;
      row.pickup_deadline = event.data.pickupDeadline;
      break;
    case 'OrderPickedUp':
      row.status = 'PICKED_UP';
      row.picked_up_at = at;
      break;
    case 'OrderCompleted':
      row.status = 'COMPLETED';
      row.completed_at = at;
      break;
    case 'DrinkDiscarded':
      row.discarded_at = at;
      break;
    case 'PaymentRefunded':
      row.refunded_amount += event.data.amount.amount;
      row.refunded_at = at;
      break;
    case 'OrderFailed':
      row.status = 'FAILED';
      row.failed_at = at;
      row.reason = event.data.reason;
      break;
    case 'OrderCancelled':
      row.status = 'CANCELLED';
      row.cancelled_at = at;
      row.reason = event.data.reason;
      break;
    case 'OrderAbandoned':
      row.status = 'ABANDONED';
      row.abandoned_at = at;
      break;
    case 'CustomerNotified':
      row.notified = true;
      break;
    default: {
      const unknown: never = event;
      throw new Error(`order summary cannot fold ${(unknown as OrderEvent).type}`);
    }
  }
  return row;
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
        const rows = await loadRows<Row>(tx, table, 'order_id', storedOnes(events));
        for (const event of events) {
          const orderId = event.data.orderId as string;
          rows.set(orderId, evolve(rows.get(orderId), event));
        }
        const changed = [...rows.values()];
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

function toSummary(row: Record<string, unknown>): OrderSummary {
  const currency = row.currency as string;
  return {
    orderId: row.order_id as string,
    customer: row.customer as string,
    status: row.status as OrderStatus,
    items: row.items as OrderLine[],
    total: { amount: Number(row.total_amount), currency },
    refunded: { amount: Number(row.refunded_amount), currency },
    notified: row.notified as boolean,
    reason: row.reason as string | null,
    pickupDeadline: iso(row.pickup_deadline as Date | null),
    timestamps: Object.fromEntries(
      Object.entries(STEPS).map(([step, column]) => [step, iso(row[column] as Date | null)]),
    ) as OrderSummary['timestamps'],
    position: Number(row.last_position),
    version: row.version as number,
    updatedAt: iso(row.updated_at as Date) as string,
  };
}

export async function getOrderSummary(pool: pg.Pool, orderId: string): Promise<OrderSummary | null> {
  const { rows } = await pool.query(`SELECT * FROM ${ORDER_SUMMARY_TABLE} WHERE order_id = $1`, [orderId]);
  return rows[0] ? toSummary(rows[0]) : null;
}

export interface ListOrdersQuery {
  status?: OrderStatus;
  customer?: string;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** 1..100, default 20. */
  limit?: number;
}

/** Newest first (by the position of `OrderPlaced`), keyset-paginated: stable while orders keep arriving. */
export async function listOrders(
  pool: pg.Pool,
  { status, customer, cursor, limit = 20 }: ListOrdersQuery = {},
): Promise<{ orders: OrderSummary[]; nextCursor: string | null }> {
  const size = Math.min(Math.max(Math.trunc(limit), 1), 100);
  const before = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : null;
  if (before !== null && !Number.isSafeInteger(before)) throw new RangeError('invalid cursor');
  const { rows } = await pool.query(
    `SELECT * FROM ${ORDER_SUMMARY_TABLE}
     WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR customer = $2)
       AND ($3::bigint IS NULL OR placed_position < $3)
     ORDER BY placed_position DESC LIMIT $4`,
    [status ?? null, customer ?? null, before, size + 1],
  );
  const page = rows.slice(0, size).map(toSummary);
  const last = rows.length > size ? rows[size - 1] : undefined;
  return {
    orders: page,
    nextCursor: last ? Buffer.from(String(last.placed_position)).toString('base64url') : null,
  };
}
