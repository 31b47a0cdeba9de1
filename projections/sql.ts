import type pg from 'pg';
import type { LoggedEvent } from '../eventstore/types';

/** Column name → Postgres type, in table order: the shape `json_to_recordset` decodes a page of rows with. */
export type Columns = Readonly<Record<string, string>>;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Table names are parameters (a rebuild writes to shadow tables), so they are checked, never interpolated blindly. */
export function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  return name;
}

/**
 * Writes a page of rows in one statement. `replace` overwrites the other columns on a key
 * conflict; `add` adds them (counters), so a page's deltas fold into the stored totals.
 */
export async function upsertRows(
  tx: pg.ClientBase,
  table: string,
  columns: Columns,
  key: readonly string[],
  rows: readonly object[],
  mode: 'replace' | 'add' = 'replace',
): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(columns);
  const decoded = names.map((name) => `${name} ${columns[name]}`).join(', ');
  const others = names.filter((name) => !key.includes(name));
  const updates = others
    .map((name) =>
      mode === 'add'
        ? `${name} = ${identifier(table)}.${name} + excluded.${name}`
        : `${name} = excluded.${name}`,
    )
    .join(', ');
  await tx.query(
    `INSERT INTO ${identifier(table)} (${names.join(', ')})
     SELECT ${names.join(', ')} FROM json_to_recordset($1::json) AS page(${decoded})
     ON CONFLICT (${key.join(', ')}) DO ${updates ? `UPDATE SET ${updates}` : 'NOTHING'}`,
    [JSON.stringify(rows)],
  );
}

export async function deleteRows(
  tx: pg.ClientBase,
  table: string,
  key: string,
  values: readonly string[],
): Promise<void> {
  if (values.length === 0) return;
  await tx.query(`DELETE FROM ${identifier(table)} WHERE ${key} = ANY($1::text[])`, [values]);
}

/**
 * The orders of a page whose state is already stored (those not placed in this page: a stream
 * starts with OrderPlaced, so the others have nothing to load), among the events `wanted` picks.
 */
export function storedOnes(
  events: readonly LoggedEvent[],
  wanted: (event: LoggedEvent) => boolean = () => true,
): string[] {
  const placedHere = new Set<string>();
  const stored = new Set<string>();
  for (const event of events) {
    const orderId = event.data.orderId as string;
    if (event.type === 'OrderPlaced') placedHere.add(orderId);
    else if (wanted(event) && !placedHere.has(orderId)) stored.add(orderId);
  }
  return [...stored];
}

/** The stored rows for these keys, as plain JSON (numbers, ISO strings): the state a page folds from. */
export async function loadRows<Row>(
  tx: pg.ClientBase,
  table: string,
  key: string,
  values: readonly string[],
): Promise<Map<string, Row>> {
  const found = new Map<string, Row>();
  if (values.length === 0) return found;
  const { rows } = await tx.query<{ row: Row & Record<string, string> }>(
    `SELECT to_jsonb(t) AS row FROM ${identifier(table)} t WHERE ${key} = ANY($1::text[])`,
    [values],
  );
  for (const { row } of rows) found.set(row[key] as string, row);
  return found;
}

const UTC_INSTANT = /^\d{4}-\d\d-\d\dT[^+]*Z$/;
/** The UTC calendar day of an ISO instant (a plain slice when it is already in UTC). */
export const dayOf = (at: string): string =>
  UTC_INSTANT.test(at) ? at.slice(0, 10) : new Date(at).toISOString().slice(0, 10);

/** Timestamps come back from pg as Dates; the read models answer ISO strings. */
export const iso = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();
