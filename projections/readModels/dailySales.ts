import type pg from 'pg';
import type { OrderEvent, OrderEventType } from '../../domain/events';
import type { Money } from '../../domain/money';
import type { LoggedEvent } from '../../eventstore/types';
import { type Columns, dayOf, deleteRows, identifier, loadRows, storedOnes, upsertRows } from '../sql';
import type { ReadModel } from '../types';

/** One (UTC) day's takings in one currency. Revenue counts captures (and old charges), refunds count refunds, both on their day. */
export interface DailySales {
  day: string;
  revenue: Money;
  refunds: Money;
  net: Money;
  /** Orders placed that day, and orders that reached each outcome that day. */
  orders: Record<Outcome | 'placed', number>;
  /** Drinks handed over that day (in completed orders), most sold first. */
  drinks: { drink: string; quantity: number }[];
}

type Outcome = 'completed' | 'rejected' | 'failed' | 'cancelled' | 'abandoned';
const OUTCOMES: Partial<Record<OrderEventType, Outcome>> = {
  OrderCompleted: 'completed',
  OrderRejected: 'rejected',
  OrderFailed: 'failed',
  OrderCancelled: 'cancelled',
  OrderAbandoned: 'abandoned',
};

const ENDINGS: ReadonlySet<string> = new Set(Object.keys(OUTCOMES));

export const DAILY_SALES_TABLES = ['daily_sales', 'daily_drink_sales', 'daily_sales_open_orders'] as const;

const COUNTERS = [
  'revenue',
  'refunds',
  'placed',
  'completed',
  'rejected',
  'failed',
  'cancelled',
  'abandoned',
];
const DAY_COLUMNS: Columns = {
  day: 'date',
  currency: 'text',
  ...Object.fromEntries(COUNTERS.map((counter) => [counter, 'bigint'])),
};
const DRINK_COLUMNS: Columns = { day: 'date', currency: 'text', drink: 'text', quantity: 'bigint' };
/** Orders not yet ended: their currency and drinks, needed when they end. */
const OPEN_COLUMNS: Columns = { order_id: 'text', currency: 'text', drinks: 'jsonb' };
type OpenOrder = { order_id: string; currency: string; drinks: { drink: string; quantity: number }[] };

/** A page's changes, added to the stored totals in one statement per table. */
class Deltas {
  readonly days = new Map<string, Record<string, unknown>>();
  readonly drinks = new Map<string, { day: string; currency: string; drink: string; quantity: number }>();

  add(day: string, currency: string, counter: string, amount: number): void {
    const key = `${day}|${currency}`;
    let row = this.days.get(key);
    if (!row) {
      row = { day, currency, ...Object.fromEntries(COUNTERS.map((name) => [name, 0])) };
      this.days.set(key, row);
    }
    row[counter] = (row[counter] as number) + amount;
  }

  sold(day: string, currency: string, drink: string, quantity: number): void {
    const key = `${day}|${currency}|${drink}`;
    const row = this.drinks.get(key) ?? { day, currency, drink, quantity: 0 };
    row.quantity += quantity;
    this.drinks.set(key, row);
  }
}

function fold(open: Map<string, OpenOrder | null>, deltas: Deltas, logged: LoggedEvent): void {
  const event = logged as unknown as OrderEvent;
  const { orderId, at } = event.data;
  const day = dayOf(at);
  if (event.type === 'OrderPlaced') {
    const { total, items } = event.data;
    if (!Array.isArray(items) || !total?.currency)
      throw new Error(`malformed OrderPlaced for order ${orderId}`);
    const drinks = items.map(({ drink, quantity }) => ({ drink, quantity }));
    open.set(orderId, { order_id: orderId, currency: total.currency, drinks });
    deltas.add(day, total.currency, 'placed', 1);
  } else if (event.type === 'PaymentCharged' || event.type === 'PaymentCaptured') {
    // Revenue is money taken: a capture (or an old saga's charge); a hold is not revenue, a void not a refund.
    deltas.add(day, event.data.amount.currency, 'revenue', event.data.amount.amount);
  } else if (event.type === 'PaymentRefunded') {
    if (event.data.amount.amount !== 0)
      deltas.add(day, event.data.amount.currency, 'refunds', event.data.amount.amount);
  } else {
    const outcome = OUTCOMES[event.type];
    const order = open.get(orderId);
    if (!outcome) return;
    if (!order) throw new Error(`${event.type} for order ${orderId}, which is not open`);
    deltas.add(day, order.currency, outcome, 1);
    if (outcome === 'completed')
      for (const { drink, quantity } of order.drinks) deltas.sold(day, order.currency, drink, quantity);
    open.set(orderId, null);
  }
}

export const dailySales: ReadModel = {
  name: 'dailySales',
  tables: DAILY_SALES_TABLES,
  handles: [
    'OrderPlaced',
    'PaymentCharged',
    'PaymentCaptured',
    'PaymentRefunded',
    ...(Object.keys(OUTCOMES) as OrderEventType[]),
  ],
  projection({ suffix = '' } = {}) {
    const [days, drinks, openOrders] = DAILY_SALES_TABLES.map((table) => identifier(table + suffix)) as [
      string,
      string,
      string,
    ];
    return {
      name: this.name,
      handles: this.handles,
      tables: [days, drinks, openOrders],
      async apply(tx, events) {
        const ending = storedOnes(events, (event) => ENDINGS.has(event.type));
        const stored = await loadRows<OpenOrder>(tx, openOrders, 'order_id', ending);
        const open = new Map<string, OpenOrder | null>(stored);
        const deltas = new Deltas();
        for (const event of events) fold(open, deltas, event);
        await upsertRows(tx, days, DAY_COLUMNS, ['day', 'currency'], [...deltas.days.values()], 'add');
        await upsertRows(
          tx,
          drinks,
          DRINK_COLUMNS,
          ['day', 'currency', 'drink'],
          [...deltas.drinks.values()],
          'add',
        );
        const opened = [...open.values()].filter((order): order is OpenOrder => order !== null);
        await upsertRows(
          tx,
          openOrders,
          OPEN_COLUMNS,
          ['order_id'],
          opened.filter((o) => !stored.has(o.order_id)),
        );
        const closed = [...open.entries()].filter(([id, order]) => order === null && stored.has(id));
        await deleteRows(
          tx,
          openOrders,
          'order_id',
          closed.map(([id]) => id),
        );
      },
    };
  },
};

/** Newest day first; `from`/`to` are inclusive `YYYY-MM-DD` days. */
export async function getDailySales(
  pool: pg.Pool,
  { from, to }: { from?: string; to?: string } = {},
): Promise<DailySales[]> {
  const { rows } = await pool.query(
    `SELECT s.*, to_char(s.day, 'YYYY-MM-DD') AS date,
       COALESCE((SELECT jsonb_agg(jsonb_build_object('drink', d.drink, 'quantity', d.quantity)
                                  ORDER BY d.quantity DESC, d.drink)
                 FROM daily_drink_sales d WHERE d.day = s.day AND d.currency = s.currency), '[]') AS drinks
     FROM daily_sales s
     WHERE ($1::date IS NULL OR s.day >= $1) AND ($2::date IS NULL OR s.day <= $2)
     ORDER BY s.day DESC, s.currency`,
    [from ?? null, to ?? null],
  );
  return rows.map((row) => {
    const money = (amount: unknown): Money => ({ amount: Number(amount), currency: row.currency });
    return {
      day: row.date,
      revenue: money(row.revenue),
      refunds: money(row.refunds),
      net: money(Number(row.revenue) - Number(row.refunds)),
      orders: {
        placed: Number(row.placed),
        completed: Number(row.completed),
        rejected: Number(row.rejected),
        failed: Number(row.failed),
        cancelled: Number(row.cancelled),
        abandoned: Number(row.abandoned),
      },
      drinks: row.drinks,
    };
  });
}
