import { createHmac, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { PersonalField } from '../domain/personalData';
import { type Keyring, open, seal } from '../keys';
import { runMigrations } from '../postgres';
import { countFailures } from './countFailures';
import { keepFresh } from './keepFresh';

/** What a read shows of an order's personal data. */
export interface PersonalView {
  customer: string | null;
  cancelReason: string | null;
  /** The order's key was destroyed: whatever it had is gone for good. */
  erased: boolean;
}

export const NOTHING_KEPT: PersonalView = { customer: null, cancelReason: null, erased: false };
const ERASED: PersonalView = { customer: null, cancelReason: null, erased: true };

/** Fields found by exact value (`GET /orders?customer=`). */
const SEARCHABLE: ReadonlySet<PersonalField> = new Set(['customer']);

export const migrateVault = (pool: pg.Pool) =>
  runMigrations(pool, { scope: 'vault', dir: new URL('./migrations', import.meta.url) });

/** The order's personal data was erased: nothing can be kept for it any more. */
export class PersonalDataErased extends Error {
  override name = 'PersonalDataErased';
  constructor(readonly orderId: string) {
    super(`the personal data of order ${orderId} was erased`);
  }
}

interface SealedRow {
  order_id: string;
  key_id: string | null;
  wrapped_key: Buffer | null;
  erased_at: Date | null;
  field: PersonalField | null;
  sealed: Buffer | null;
}

/**
 * The vault: per-order data keys wrapped by the master keyring (`VAULT_MASTER_KEYS`), values sealed
 * under them. Associated data binds each sealed value to its order and field, and each wrapped key to
 * its order, so no row can be copied onto another order.
 */
export function createVault(pool: pg.Pool, masterKeys: Keyring) {
  const wrapAad = (orderId: string) => `vault-key:${orderId}`;
  const fieldAad = (orderId: string, field: string) => `${orderId}/${field}`;
  const lookupUnder = (masterKey: Buffer, field: string, value: string) => {
    const lookupKey = createHmac('sha256', masterKey).update('lookup:v1').digest();
    return createHmac('sha256', lookupKey).update(`${field}\0${value}`).digest();
  };
  // Values kept before a rotation were hashed under an older key: search under every key known.
  const lookups = (field: string, value: string) =>
    masterKeys.ids().map((id) => lookupUnder(masterKeys.get(id)!, field, value));

  const unwrap = (row: Pick<SealedRow, 'order_id' | 'key_id' | 'wrapped_key'>): Buffer => {
    const master = masterKeys.get(row.key_id!);
    if (!master) throw new Error(`vault key ${row.key_id} is not among VAULT_MASTER_KEYS`);
    return open(master, row.wrapped_key!, wrapAad(row.order_id));
  };

  /** Rows of these orders (their key, and the requested fields' sealed values). */
  const sealedRows = async (orderIds: readonly string[], fields: readonly PersonalField[]) =>
    (
      await pool.query<SealedRow>(
        `SELECT k.order_id, k.key_id, k.wrapped_key, k.erased_at, e.field, e.sealed
         FROM vault_keys k LEFT JOIN vault_entries e ON e.order_id = k.order_id AND e.field = ANY($2)
         WHERE k.order_id = ANY($1)`,
        [orderIds, fields],
      )
    ).rows;

  return countFailures(
    {
      /** Seals the given fields under the order's data key (made on first use). Same values again: a no-op. */
      async keep(orderId: string, fields: Partial<Record<PersonalField, string>>): Promise<void> {
        // A new order (the usual case): its fresh data key and sealed values in one round trip.
        const master = masterKeys.current;
        const dataKey = randomBytes(32);
        const sealedUnder = (key: Buffer) =>
          (Object.entries(fields) as [PersonalField, string][]).map(([field, value]) => ({
            field,
            sealed: seal(key, Buffer.from(value), fieldAad(orderId, field)),
            lookup: SEARCHABLE.has(field) ? lookupUnder(master, field, value) : null,
          }));
        const wrappedKey = seal(master, dataKey, wrapAad(orderId));
        const fresh = { orderId, keyId: masterKeys.currentId, wrappedKey, entries: sealedUnder(dataKey) };
        if (await keepFresh(pool, fresh)) return;
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query(
            `INSERT INTO vault_keys (order_id, key_id, wrapped_key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
            [orderId, masterKeys.currentId, wrappedKey],
          );
          // FOR SHARE: an erasure running now waits for this to commit, then destroys it all.
          const { rows } = await client.query<SealedRow>(
            'SELECT order_id, key_id, wrapped_key FROM vault_keys WHERE order_id = $1 FOR SHARE',
            [orderId],
          );
          const row = rows[0]!;
          if (!row.wrapped_key) throw new PersonalDataErased(orderId);
          for (const { field, sealed, lookup } of sealedUnder(unwrap(row))) {
            await client.query(
              `INSERT INTO vault_entries (order_id, field, sealed, lookup) VALUES ($1, $2, $3, $4)
             ON CONFLICT (order_id, field) DO UPDATE SET sealed = EXCLUDED.sealed, lookup = EXCLUDED.lookup`,
              [orderId, field, sealed, lookup],
            );
          }
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        } finally {
          client.release();
        }
      },

      /** One field's value; undefined when it was never kept, was destroyed, or the order was erased. */
      async reveal(orderId: string, field: PersonalField): Promise<string | undefined> {
        const row = (await sealedRows([orderId], [field]))[0];
        if (!row?.wrapped_key || !row.sealed) return undefined;
        return open(unwrap(row), row.sealed, fieldAad(orderId, field)).toString();
      },

      /** What reads show of many orders at once (one query): names, the customer's cancel reason, erasure. */
      async personalData(orderIds: readonly string[]): Promise<Map<string, PersonalView>> {
        const views = new Map<string, PersonalView>();
        if (orderIds.length === 0) return views;
        const keys = new Map<string, Buffer>();
        for (const row of await sealedRows([...new Set(orderIds)], ['customer', 'cancelReason'])) {
          if (!row.wrapped_key) {
            views.set(row.order_id, ERASED);
            continue;
          }
          const view = views.get(row.order_id) ?? { ...NOTHING_KEPT };
          views.set(row.order_id, view);
          if (!row.sealed || !row.field) continue;
          const dataKey = keys.get(row.order_id) ?? unwrap(row);
          keys.set(row.order_id, dataKey);
          const value = open(dataKey, row.sealed, fieldAad(row.order_id, row.field)).toString();
          if (row.field === 'customer') view.customer = value;
          else if (row.field === 'cancelReason') view.cancelReason = value;
        }
        return views;
      },

      /** Orders whose field holds exactly this value (erased ones are not found). */
      async ordersWith(field: PersonalField, value: string): Promise<string[]> {
        const { rows } = await pool.query<{ order_id: string }>(
          'SELECT order_id FROM vault_entries WHERE field = $1 AND lookup = ANY($2)',
          [field, lookups(field, value)],
        );
        return rows.map((row) => row.order_id);
      },

      /** Destroys one field (the card token once the payment settled). */
      async forget(orderId: string, field: PersonalField): Promise<void> {
        await pool.query('DELETE FROM vault_entries WHERE order_id = $1 AND field = $2', [orderId, field]);
      },

      /**
       * Crypto-shredding: the order's data key is destroyed (and its sealed values with it), leaving a
       * tombstone. Erasing twice is a no-op; an order never seen gets a tombstone too.
       */
      async erase(orderId: string): Promise<{ alreadyErased: boolean }> {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const { rows } = await client.query<{ order_id: string }>(
            `UPDATE vault_keys SET key_id = NULL, wrapped_key = NULL, erased_at = now()
           WHERE order_id = $1 AND erased_at IS NULL RETURNING order_id`,
            [orderId],
          );
          const inserted = await client.query(
            `INSERT INTO vault_keys (order_id, erased_at) VALUES ($1, now()) ON CONFLICT DO NOTHING`,
            [orderId],
          );
          await client.query('DELETE FROM vault_entries WHERE order_id = $1', [orderId]);
          await client.query('COMMIT');
          return { alreadyErased: rows.length === 0 && inserted.rowCount === 0 };
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        } finally {
          client.release();
        }
      },

      /** Re-wraps data keys still under an older master key with the current one (after a rotation). */
      async rewrap(): Promise<number> {
        const { rows } = await pool.query<SealedRow>(
          'SELECT order_id, key_id, wrapped_key FROM vault_keys WHERE key_id <> $1 AND erased_at IS NULL',
          [masterKeys.currentId],
        );
        for (const row of rows)
          await pool.query(
            'UPDATE vault_keys SET key_id = $2, wrapped_key = $3 WHERE order_id = $1 AND key_id = $4',
            [
              row.order_id,
              masterKeys.currentId,
              seal(masterKeys.current, unwrap(row), wrapAad(row.order_id)),
              row.key_id,
            ],
          );
        return rows.length;
      },
    },
    (error) => error instanceof PersonalDataErased,
  );
}

export type Vault = ReturnType<typeof createVault>;
