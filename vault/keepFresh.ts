import type pg from 'pg';

export interface FreshKeep {
  orderId: string;
  keyId: string;
  wrappedKey: Buffer;
  entries: { field: string; sealed: Buffer; lookup: Buffer | null }[];
}

/**
 * The first keep of an order in one round trip: its new data key and the values sealed under it, in
 * one statement. False (nothing written) when the order already has a key row, live or erased: the
 * caller then takes the careful path, which opens the key already there.
 */
export async function keepFresh(pool: pg.Pool, keep: FreshKeep): Promise<boolean> {
  const { rows } = await pool.query<{ kept: number }>(
    `WITH k AS (
       INSERT INTO vault_keys (order_id, key_id, wrapped_key) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING order_id
     ), e AS (
       INSERT INTO vault_entries (order_id, field, sealed, lookup)
       SELECT k.order_id, v.field, v.sealed, v.lookup
       FROM k, unnest($4::text[], $5::bytea[], $6::bytea[]) AS v (field, sealed, lookup)
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM k)::int AS kept, (SELECT count(*) FROM e)::int AS entries`,
    [
      keep.orderId,
      keep.keyId,
      keep.wrappedKey,
      keep.entries.map((entry) => entry.field),
      keep.entries.map((entry) => entry.sealed),
      keep.entries.map((entry) => entry.lookup),
    ],
  );
  return rows[0]!.kept === 1;
}
