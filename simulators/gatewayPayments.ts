import type pg from 'pg';
import type { Money } from '../domain';

export type PaymentStatus = 'processing' | 'authorized' | 'declined' | 'voided' | 'captured' | 'refunded';

/** One payment at the gateway, by its idempotency key: what a Stripe PaymentIntent is to Stripe. */
export interface PaymentRecord {
  paymentKey: string;
  orderId: string;
  amount: Money;
  status: PaymentStatus;
  /** When a processing authorization gets its answer (epoch ms); null: never. */
  settlesAtMs: number | null;
  settlesAs: 'authorized' | 'declined';
  /** What the void released (set once voided): zero when no hold had landed. */
  voidedHeld: number | null;
  /** Voided while its authorization was still processing: that authorization is refused when it lands. */
  voidedWhileProcessing: boolean;
}

/** A processing authorization whose time has come is authorized (or declined): the gateway answered. */
export function settled(record: PaymentRecord, nowMs: number): PaymentRecord {
  if (record.status !== 'processing' || record.settlesAtMs === null || record.settlesAtMs > nowMs)
    return record;
  return { ...record, status: record.settlesAs };
}

/** A late authorization that landed on a voided key: refused, never a hold. */
export const refusedLate = (record: PaymentRecord, nowMs: number): boolean =>
  record.voidedWhileProcessing &&
  record.settlesAs === 'authorized' &&
  record.settlesAtMs !== null &&
  record.settlesAtMs <= nowMs;

/** The money a payment holds and has taken from the customer right now. */
export function balanceOf(record: PaymentRecord): { held: number; taken: number } {
  if (record.status === 'authorized') return { held: record.amount.amount, taken: 0 };
  if (record.status === 'captured') return { held: 0, taken: record.amount.amount };
  return { held: 0, taken: 0 };
}

/** The gateway's book of payments; `change` is atomic per key (a row lock in Postgres). */
export interface PaymentBook {
  /** Applies `next` to the (settled) record under the key, or to undefined; returns what is stored after. */
  change(
    key: string,
    next: (current: PaymentRecord | undefined) => PaymentRecord | undefined,
  ): Promise<PaymentRecord | undefined>;
  find(key: string): Promise<PaymentRecord | undefined>;
  payments(orderId?: string): Promise<PaymentRecord[]>;
}

export function memoryPaymentBook(now: () => number = Date.now): PaymentBook {
  const byKey = new Map<string, PaymentRecord>();
  const read = (key: string) => {
    const record = byKey.get(key);
    return record && settled(record, now());
  };
  return {
    async change(key, next) {
      const after = next(read(key));
      if (after) byKey.set(key, after);
      return after ?? read(key);
    },
    async find(key) {
      return read(key);
    },
    async payments(orderId) {
      return [...byKey.keys()]
        .map((key) => read(key)!)
        .filter((record) => orderId === undefined || record.orderId === orderId);
    },
  };
}

/** Shared by every worker on one database: a crashed worker's pending answer still lands on time. */
export function postgresPaymentBook(pool: pg.Pool, now: () => number = Date.now): PaymentBook {
  const toRecord = (row: Record<string, unknown>): PaymentRecord =>
    settled(
      {
        paymentKey: String(row.payment_key),
        orderId: String(row.order_id),
        amount: { amount: Number(row.amount), currency: String(row.currency) },
        status: row.status as PaymentStatus,
        settlesAtMs: row.settles_at_ms === null ? null : Number(row.settles_at_ms),
        settlesAs: row.settles_as as PaymentRecord['settlesAs'],
        voidedHeld: row.voided_held === null ? null : Number(row.voided_held),
        voidedWhileProcessing: Boolean(row.voided_while_processing),
      },
      now(),
    );
  return {
    async change(key, next) {
      for (;;) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const { rows } = await client.query(
            'SELECT * FROM gateway_payments WHERE payment_key = $1 FOR UPDATE',
            [key],
          );
          const current = rows[0] ? toRecord(rows[0]) : undefined;
          const after = next(current);
          if (after && after !== current) {
            const values = [after.status, after.voidedHeld, after.voidedWhileProcessing, key];
            const written = current
              ? await client.query(
                  `UPDATE gateway_payments SET status = $1, voided_held = $2, voided_while_processing = $3,
                     updated_at = now() WHERE payment_key = $4`,
                  values,
                )
              : await client.query(
                  `INSERT INTO gateway_payments (status, voided_held, voided_while_processing, payment_key,
                     order_id, amount, currency, settles_at_ms, settles_as)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (payment_key) DO NOTHING`,
                  [
                    ...values,
                    after.orderId,
                    after.amount.amount,
                    after.amount.currency,
                    after.settlesAtMs,
                    after.settlesAs,
                  ],
                );
            // Another call created the key meanwhile: decide again on what it wrote.
            if (written.rowCount === 0) {
              await client.query('ROLLBACK');
              continue;
            }
          }
          await client.query('COMMIT');
          return after ?? current;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        } finally {
          client.release();
        }
      }
    },
    async find(key) {
      const { rows } = await pool.query('SELECT * FROM gateway_payments WHERE payment_key = $1', [key]);
      return rows[0] ? toRecord(rows[0]) : undefined;
    },
    async payments(orderId) {
      const { rows } = await pool.query(
        'SELECT * FROM gateway_payments WHERE $1::text IS NULL OR order_id = $1 ORDER BY created_at, payment_key',
        [orderId ?? null],
      );
      return rows.map(toRecord);
    },
  };
}
