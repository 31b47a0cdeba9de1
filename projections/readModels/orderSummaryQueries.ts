import type pg from 'pg';
import type { OrderLine } from '../../domain/events';
import type { OrderTimestamps } from '../../domain/evolve';
import { type OrderStatus, TERMINAL_STATUSES } from '../../domain/status';
import { iso } from '../sql';
import type { OrderSummary } from './orderSummary';
import { ORDER_SUMMARY_TABLE, TIMESTAMP_COLUMNS } from './orderSummaryRow';

function toSummary(row: Record<string, unknown>): OrderSummary {
  const currency = row.currency as string;
  return {
    orderId: row.order_id as string,
    status: row.status as OrderStatus,
    customerRef: row.customer_ref as string,
    erased: row.erased as boolean,
    items: row.items as OrderLine[],
    total: { amount: Number(row.total_amount), currency },
    refunded: { amount: Number(row.refunded_amount), currency },
    reason: row.reason as string | null,
    pickupDeadline: iso(row.pickup_deadline as Date | null),
    notified: row.notified as boolean,
    rejections: Number(row.rejections),
    remakes: Number(row.remakes),
    batchIds: row.batch_ids as string[],
    timestamps: Object.fromEntries(
      Object.entries(TIMESTAMP_COLUMNS).map(([key, column]) => [key, iso(row[column] as Date | null)]),
    ) as unknown as OrderTimestamps,
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
  /** Only these orders (e.g. a customer's, found in the vault). */
  orderIds?: readonly string[];
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** 1..100, default 20. */
  limit?: number;
}

/** Newest first (by the position of `OrderPlaced`), keyset-paginated: stable while orders keep arriving. */
export async function listOrders(
  pool: pg.Pool,
  { status, orderIds, cursor, limit = 20 }: ListOrdersQuery = {},
): Promise<{ orders: OrderSummary[]; nextCursor: string | null }> {
  const size = Math.min(Math.max(Math.trunc(limit), 1), 100);
  // The cursor is the position of the last order's OrderPlaced: the next page starts before it.
  const before = cursor ? Number(cursor) : null;
  if (before !== null && !(/^\d{1,15}$/.test(cursor ?? '') && Number.isSafeInteger(before)))
    throw new RangeError('invalid cursor');
  const { rows } = await pool.query(
    `SELECT * FROM ${ORDER_SUMMARY_TABLE}
     WHERE ($1::text IS NULL OR status = $1) AND ($2::text[] IS NULL OR order_id = ANY($2))
       AND ($3::bigint IS NULL OR placed_position < $3)
     ORDER BY placed_position DESC LIMIT $4`,
    [status ?? null, orderIds ?? null, before, size + 1],
  );
  const page = rows.slice(0, size).map(toSummary);
  const last = rows.length > size ? rows[size - 1] : undefined;
  return {
    orders: page,
    nextCursor: last ? String(last.placed_position) : null,
  };
}

/**
 * The board: every open order whatever day it was placed (a READY drink awaiting pickup never drops
 * off), then orders finished since `finishedSince` (the start of the shop's day); open ones first.
 */
export async function boardOrders(
  pool: pg.Pool,
  { finishedSince, limit = 500 }: { finishedSince: Date; limit?: number },
): Promise<OrderSummary[]> {
  const { rows } = await pool.query(
    `SELECT *, status <> ALL($1::text[]) AS open FROM ${ORDER_SUMMARY_TABLE}
     WHERE status <> ALL($1::text[]) OR updated_at >= $2
     ORDER BY open DESC, placed_position DESC LIMIT $3`,
    [[...TERMINAL_STATUSES], finishedSince, limit],
  );
  return rows.map(toSummary);
}
