import type pg from 'pg';
import type { Money } from '../domain';
import { type AppliedMigration, runMigrations } from '../postgres';

/** What the simulated gateway did, by idempotency key: the auditor's view of money movements. */
export interface LedgerEntry {
  idempotencyKey: string;
  kind: 'charge' | 'refund';
  orderId: string;
  amount: Money;
  /** Charge or refund id; null for a refund of nothing. */
  reference: string | null;
}

export interface GatewayLedger {
  /** Records the entry unless its key exists; either way returns what is recorded under the key. */
  record(entry: LedgerEntry): Promise<LedgerEntry>;
  find(idempotencyKey: string): Promise<LedgerEntry | undefined>;
  entries(orderId?: string): Promise<LedgerEntry[]>;
}

export function memoryLedger(): GatewayLedger {
  const byKey = new Map<string, LedgerEntry>();
  return {
    async record(entry) {
      const existing = byKey.get(entry.idempotencyKey);
      if (existing) return existing;
      byKey.set(entry.idempotencyKey, entry);
      return entry;
    },
    async find(key) {
      return byKey.get(key);
    },
    async entries(orderId) {
      return [...byKey.values()].filter((entry) => orderId === undefined || entry.orderId === orderId);
    },
  };
}

/** The ledger's table; its scope keeps the name `activities` it was first applied under. */
export const migrateGatewayLedger = (pool: pg.Pool): Promise<AppliedMigration[]> =>
  runMigrations(pool, { scope: 'activities', dir: new URL('./migrations', import.meta.url) });

/** Shared by every process on one database, so a crash test can count charges across workers. */
export function postgresLedger(pool: pg.Pool): GatewayLedger {
  const toEntry = (row: Record<string, unknown>): LedgerEntry => ({
    idempotencyKey: String(row.idempotency_key),
    kind: row.kind as LedgerEntry['kind'],
    orderId: String(row.order_id),
    amount: { amount: Number(row.amount), currency: String(row.currency) },
    reference: (row.reference as string | null) ?? null,
  });
  const find = async (key: string) => {
    const { rows } = await pool.query('SELECT * FROM gateway_charges WHERE idempotency_key = $1', [key]);
    return rows[0] ? toEntry(rows[0]) : undefined;
  };
  return {
    async record(entry) {
      await pool.query(
        `INSERT INTO gateway_charges (idempotency_key, kind, order_id, amount, currency, reference)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING`,
        [
          entry.idempotencyKey,
          entry.kind,
          entry.orderId,
          entry.amount.amount,
          entry.amount.currency,
          entry.reference,
        ],
      );
      return (await find(entry.idempotencyKey))!;
    },
    find,
    async entries(orderId) {
      const { rows } = await pool.query(
        'SELECT * FROM gateway_charges WHERE $1::text IS NULL OR order_id = $1 ORDER BY recorded_at, idempotency_key',
        [orderId ?? null],
      );
      return rows.map(toEntry);
    },
  };
}
