import type { OrderLine } from '../../domain/events';
import { initialOrderState, type OrderState, type OrderTimestamps } from '../../domain/evolve';
import type { OrderStatus } from '../../domain/status';
import type { Columns } from '../sql';

export const ORDER_SUMMARY_TABLE = 'order_summary';

/** Where each of the fold's timestamps lives in the `order_summary` table. */
export const TIMESTAMP_COLUMNS: Readonly<Record<keyof OrderTimestamps, string>> = {
  placedAt: 'placed_at',
  paidAt: 'paid_at',
  declinedAt: 'declined_at',
  rejectedAt: 'rejected_at',
  brewingAt: 'brewing_started_at',
  readyAt: 'ready_at',
  pickedUpAt: 'picked_up_at',
  completedAt: 'completed_at',
  discardedAt: 'discarded_at',
  refundedAt: 'refunded_at',
  failedAt: 'failed_at',
  cancelledAt: 'cancelled_at',
  abandonedAt: 'abandoned_at',
  notifiedAt: 'notified_at',
};
const TIMESTAMPS = Object.entries(TIMESTAMP_COLUMNS) as [keyof OrderTimestamps, string][];

export const COLUMNS: Columns = {
  order_id: 'text',
  customer_ref: 'text',
  erased: 'boolean',
  status: 'text',
  items: 'jsonb',
  total_amount: 'bigint',
  currency: 'text',
  refunded_amount: 'bigint',
  notified: 'boolean',
  reason: 'text',
  pickup_deadline: 'timestamptz',
  ...Object.fromEntries(TIMESTAMPS.map(([, column]) => [column, 'timestamptz'])),
  placed_position: 'bigint',
  last_position: 'bigint',
  version: 'integer',
  updated_at: 'timestamptz',
  rejections: 'integer',
  remakes: 'integer',
  batch_ids: 'jsonb',
};

/** A row as plain JSON (`to_jsonb`): numbers, and timestamps as ISO strings. */
export type Row = Record<string, unknown> & {
  order_id: string;
  placed_position: number;
  last_position: number;
};

/** Where an order's row stands in the log, beside its state. */
export interface RowPlace {
  placedPosition: number;
  lastPosition: number;
  /** The `at` of the last event folded. */
  updatedAt: string;
}

/**
 * The row of a placed order's state: what `GET /orders/:id` and `GET /orders` answer, and what
 * the next fold starts from. Every column spelled out, in table order (one shape for all rows;
 * the timestamps where TIMESTAMP_COLUMNS puts them).
 */
export function rowOf(state: OrderState, place: RowPlace): Row {
  const total = state.total!;
  const t = state.timestamps;
  return {
    order_id: state.orderId!,
    customer_ref: state.customerRef,
    erased: state.erased,
    status: state.status,
    items: state.items,
    total_amount: total.amount,
    currency: total.currency,
    refunded_amount: state.refund?.amount.amount ?? 0,
    notified: state.notified,
    reason: state.reason,
    pickup_deadline: state.pickupDeadline,
    placed_at: t.placedAt,
    paid_at: t.paidAt,
    declined_at: t.declinedAt,
    rejected_at: t.rejectedAt,
    brewing_started_at: t.brewingAt,
    ready_at: t.readyAt,
    picked_up_at: t.pickedUpAt,
    completed_at: t.completedAt,
    discarded_at: t.discardedAt,
    refunded_at: t.refundedAt,
    failed_at: t.failedAt,
    cancelled_at: t.cancelledAt,
    abandoned_at: t.abandonedAt,
    notified_at: t.notifiedAt,
    placed_position: place.placedPosition,
    last_position: place.lastPosition,
    version: state.version,
    updated_at: place.updatedAt,
    rejections: state.rejections,
    remakes: state.remakes,
    batch_ids: state.batchIds,
  };
}

/**
 * The state a stored row was written from, as far as the row keeps it: everything the Order
 * answer shows. What it does not keep (the charge, the write-off, the token's digits, the
 * refund's gateway id) starts from the initial state; no answer reads them from a row.
 */
export function stateOfRow(row: Row): OrderState {
  const currency = row.currency as string;
  const initial = initialOrderState();
  const timestamps = initial.timestamps;
  for (const [key, column] of TIMESTAMPS) timestamps[key] = row[column] as string | null;
  return {
    ...initial,
    orderId: row.order_id,
    status: row.status as OrderStatus,
    customerRef: row.customer_ref as string,
    erased: row.erased as boolean,
    items: row.items as OrderLine[],
    total: { amount: Number(row.total_amount), currency },
    pickupDeadline: row.pickup_deadline as string | null,
    refund:
      row.refunded_at === null
        ? null
        : { refundId: null, amount: { amount: Number(row.refunded_amount), currency } },
    reason: row.reason as string | null,
    notified: row.notified as boolean,
    rejections: Number(row.rejections ?? 0),
    remakes: Number(row.remakes ?? 0),
    batchIds: (row.batch_ids as string[] | null) ?? [],
    timestamps,
    version: row.version as number,
  };
}

export const placeOfRow = (row: Row): RowPlace => ({
  placedPosition: Number(row.placed_position),
  lastPosition: Number(row.last_position),
  updatedAt: row.updated_at as string,
});
