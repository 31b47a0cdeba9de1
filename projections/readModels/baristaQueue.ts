import type pg from 'pg';
import type { OrderEvent, OrderEventType, OrderLine } from '../../domain/events';
import { personalRef } from '../../domain/personalData';
import type { LoggedEvent } from '../../eventstore/types';
import { type Columns, deleteRows, identifier, iso, loadRows, storedOnes, upsertRows } from '../sql';
import type { ReadModel } from '../types';

/** A paid order on the barista's board. */
export interface BaristaTicket {
  orderId: string;
  /** Where the customer's name lives in the vault; the API resolves it at read time. */
  customerRef: string;
  items: OrderLine[];
  stage: 'queued' | 'brewing' | 'ready';
  paidAt: string;
  brewingStartedAt: string | null;
  readyAt: string | null;
  pickupDeadline: string | null;
  /** 0 for a first brew; n while the drinks sent back are made again for the nth time. */
  remake: number;
}

export interface BaristaQueue {
  /** Paid orders not yet ready, oldest payment first: the first one is what to make next (or is being made). */
  toBrew: BaristaTicket[];
  /** Ready drinks waiting on the counter, earliest deadline first. */
  awaitingPickup: BaristaTicket[];
}

export const BARISTA_QUEUE_TABLE = 'barista_queue';

const COLUMNS: Columns = {
  order_id: 'text',
  customer_ref: 'text',
  items: 'jsonb',
  stage: 'text',
  queued_position: 'bigint',
  paid_at: 'timestamptz',
  brewing_started_at: 'timestamptz',
  ready_at: 'timestamptz',
  pickup_deadline: 'timestamptz',
  remake: 'integer',
};
/** `awaiting_payment` rows only remember the items until the order is paid; the board never shows them. */
type Row = Record<string, unknown> & { order_id: string };

/** Events that take an order off the board for good. */
const LEAVES: ReadonlySet<OrderEventType> = new Set([
  'PaymentDeclined',
  'OrderRejected',
  'DrinkDiscarded',
  'OrderPickedUp',
  'OrderCompleted',
  'OrderFailed',
  'OrderCancelled',
  'OrderAbandoned',
]);

/** Folds one event into an order's ticket; null means not (or no longer) on the board. */
function evolve(row: Row | null, logged: LoggedEvent): Row | null {
  const event = logged as unknown as OrderEvent;
  const { orderId, at } = event.data;
  // Drinks sent back are written off but the order stays: they are made again.
  const sentBack = event.type === 'DrinkDiscarded' && event.data.reason === 'rejected';
  if (LEAVES.has(event.type) && !sentBack) return null;
  if (event.type === 'OrderPlaced') {
    if (!Array.isArray(event.data.items)) throw new Error(`malformed OrderPlaced for order ${orderId}`);
    return {
      order_id: orderId,
      customer_ref: event.data.customerRef ?? personalRef(orderId, 'customer'),
      items: event.data.items,
      stage: 'awaiting_payment',
      queued_position: null,
      paid_at: null,
      brewing_started_at: null,
      ready_at: null,
      pickup_deadline: null,
      remake: 0,
    };
  }
  if (!row) return null;
  switch (event.type) {
    case 'PaymentCharged':
    case 'PaymentAuthorized':
      return { ...row, stage: 'queued', queued_position: logged.position, paid_at: at };
    case 'BrewingStarted':
      return { ...row, stage: 'brewing', brewing_started_at: at, remake: event.data.remake ?? 0 };
    case 'DrinkRejected':
      return { ...row, stage: 'queued', ready_at: null, pickup_deadline: null };
    case 'OrderReady':
      return { ...row, stage: 'ready', ready_at: at, pickup_deadline: event.data.pickupDeadline };
    default:
      return row;
  }
}

export const baristaQueue: ReadModel = {
  name: 'baristaQueue',
  tables: [BARISTA_QUEUE_TABLE],
  handles: [
    'OrderPlaced',
    'PaymentCharged',
    'PaymentAuthorized',
    'BrewingStarted',
    'OrderReady',
    'DrinkRejected',
    ...LEAVES,
  ],
  projection({ suffix = '' } = {}) {
    const table = identifier(BARISTA_QUEUE_TABLE + suffix);
    return {
      name: this.name,
      handles: this.handles,
      tables: [table],
      async apply(tx, events) {
        const stored = await loadRows<Row>(tx, table, 'order_id', storedOnes(events));
        const rows = new Map<string, Row | null>(stored);
        for (const event of events) {
          const orderId = event.data.orderId as string;
          rows.set(orderId, evolve(rows.get(orderId) ?? null, event));
        }
        const kept = [...rows.values()].filter((row): row is Row => row !== null);
        const gone = [...rows.entries()].filter(([id, row]) => row === null && stored.has(id));
        await upsertRows(tx, table, COLUMNS, ['order_id'], kept);
        await deleteRows(
          tx,
          table,
          'order_id',
          gone.map(([id]) => id),
        );
      },
    };
  },
};

function toTicket(row: Record<string, unknown>): BaristaTicket {
  return {
    orderId: row.order_id as string,
    customerRef: row.customer_ref as string,
    items: row.items as OrderLine[],
    stage: row.stage as BaristaTicket['stage'],
    paidAt: iso(row.paid_at as Date) as string,
    brewingStartedAt: iso(row.brewing_started_at as Date | null),
    readyAt: iso(row.ready_at as Date | null),
    pickupDeadline: iso(row.pickup_deadline as Date | null),
    remake: Number(row.remake ?? 0),
  };
}

export async function getBaristaQueue(pool: pg.Pool): Promise<BaristaQueue> {
  const { rows } = await pool.query(
    `SELECT * FROM ${BARISTA_QUEUE_TABLE} WHERE stage <> 'awaiting_payment'
     ORDER BY (stage = 'ready'), pickup_deadline, queued_position`,
  );
  const tickets = rows.map(toTicket);
  return {
    toBrew: tickets.filter((ticket) => ticket.stage !== 'ready'),
    awaitingPickup: tickets.filter((ticket) => ticket.stage === 'ready'),
  };
}
