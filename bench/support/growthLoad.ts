import { createHash } from 'node:crypto';
import type pg from 'pg';
import { createEventStore, migrateEventStore, type NewEvent, readAll } from '../../eventstore';
import { migrateProjections, orderSummary } from '../../projections';

/**
 * Fills one database with `orders` finished-looking orders, fast: one order is appended and projected
 * through the real code (the template), then SQL clones it with generate_series straight into the
 * tables (events, order summary, order tokens, vault). Only the measured operations use the product.
 */

export const EVENTS_PER_ORDER = 5;
const TEMPLATE_ORDER = '00000000-0000-4000-8000-000000000000';

// A v4-shaped UUID from md5('growth-' || i), computed alike in SQL (for loading) and here (for reading).
const ORDER_ID_SQL = `(overlay(overlay(md5('growth-' || i) placing '4' from 13) placing '8' from 17))::uuid::text`;
export function loadedOrderId(i: number): string {
  const hex = createHash('md5').update(`growth-${i}`).digest('hex').split('');
  hex[12] = '4';
  hex[16] = '8';
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
/** A bearer token of the order token's shape (43 base64url characters); its hash is what the table keeps. */
export const loadedOrderToken = (i: number) => `g${String(i).padStart(42, '0')}`;

/** An order's five facts from placement to ready and captured, as the saga records them. */
export function orderEvents(orderId: string): NewEvent[] {
  const at = '2026-01-01T08:00:00.000Z';
  const amount = { amount: 900, currency: 'USD' };
  const fact = (type: string, data: Record<string, unknown>, step: number): NewEvent => ({
    eventId: nameUuid(`${orderId}:${step}`),
    type,
    data: { orderId, at, ...data },
    metadata: { correlationId: orderId, workflowId: `order-${orderId}`, runId: TEMPLATE_ORDER, attempt: 1 },
  });
  return [
    fact(
      'OrderPlaced',
      {
        customerRef: `vault:${orderId}/customer`,
        items: [{ drink: 'latte', size: 'medium', quantity: 2, unitPrice: { amount: 450, currency: 'USD' } }],
        total: amount,
        paymentTokenLast4: '4242',
        pickupWindowSeconds: 1800,
      },
      1,
    ),
    fact('PaymentAuthorized', { amount, authorizationId: `auth-${orderId}` }, 2),
    fact('BrewingStarted', { drinks: 2 }, 3),
    fact('OrderReady', { pickupDeadline: '2026-01-01T08:30:00.000Z' }, 4),
    fact('PaymentCaptured', { amount, captureId: `capture-${orderId}` }, 5),
  ];
}

const nameUuid = (name: string) => {
  const h = createHash('md5').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20)}`;
};

const ORDERS = `(SELECT i, ${ORDER_ID_SQL} AS id FROM generate_series($1::int, $2::int) i) o`;

const LOAD_EVENTS = `INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata)
SELECT 'order-' || o.id, t.version, md5(o.id || ':' || t.version)::uuid, t.type,
       replace(t.data, $7, o.id)::jsonb, replace(t.metadata, $7, o.id)::jsonb
FROM ${ORDERS} CROSS JOIN unnest($3::int[], $4::text[], $5::text[], $6::text[]) AS t(version, type, data, metadata)
ORDER BY o.i, t.version`;

// The order summary's columns are read from the table, so a column added by a migration is cloned too.
const SUMMARY_OVERRIDES: Record<string, string> = {
  order_id: 'o.id',
  customer_ref: `'vault:' || o.id || '/customer'`,
  placed_position: 'o.i * 5 + 1',
  last_position: 'o.i * 5 + 5',
};
async function loadSummariesSql(db: pg.ClientBase): Promise<string> {
  await db.query('CREATE TEMP TABLE summary_template AS SELECT * FROM order_summary WHERE order_id = $1', [
    TEMPLATE_ORDER,
  ]);
  const { rows } = await db.query<{ name: string }>(
    `SELECT column_name AS name FROM information_schema.columns
     WHERE table_name = 'order_summary' AND table_schema = current_schema() ORDER BY ordinal_position`,
  );
  const names = rows.map((row) => row.name);
  const values = names.map((name) => SUMMARY_OVERRIDES[name] ?? `t.${name}`);
  return `INSERT INTO order_summary (${names.join(', ')})
SELECT ${values.join(', ')} FROM ${ORDERS} CROSS JOIN summary_template t`;
}

const LOAD_TOKENS = `INSERT INTO order_tokens (order_id, token_hash)
SELECT o.id, sha256(convert_to('g' || lpad(o.i::text, 42, '0'), 'UTF8')) FROM ${ORDERS}`;

// Orders nobody reads get stand-in vault rows (same sizes, never opened): the tables grow as they would.
const LOAD_VAULT_KEYS = `INSERT INTO vault_keys (order_id, key_id, wrapped_key)
SELECT o.id, 'stand-in', decode(md5(o.id) || md5(o.id || 'k') || md5(o.id || 'w'), 'hex') FROM ${ORDERS}`;
const LOAD_VAULT_ENTRIES = `INSERT INTO vault_entries (order_id, field, sealed, lookup)
SELECT o.id, 'customer', decode(md5(o.id || 's') || md5(o.id), 'hex'), decode(md5(o.id || 'l') || md5(o.id), 'hex')
FROM ${ORDERS}`;

export interface LoadOptions {
  orders: number;
  /** Orders 1..readable get real vault entries (through the vault's own code): the ones GET reads. */
  readable: number;
  batchOrders: number;
  keep: (orderId: string, fields: { customer: string }) => Promise<void>;
  migrate: (pool: pg.Pool) => Promise<void>;
}

/** Loads the database and leaves the order summary's checkpoint at the end of the log. */
export async function loadOrders(pool: pg.Pool, options: LoadOptions): Promise<{ seconds: number }> {
  const started = performance.now();
  await migrateEventStore(pool);
  await migrateProjections(pool);
  await options.migrate(pool);
  const store = createEventStore(pool);
  const template = orderEvents(TEMPLATE_ORDER);
  await store.append(`order-${TEMPLATE_ORDER}`, 'no_stream', template);
  await store.close();
  const client = await pool.connect();
  try {
    const projection = orderSummary.projection({ notify: false });
    await client.query('BEGIN');
    await projection.apply(client, await readAll(client, { limit: EVENTS_PER_ORDER }));
    await client.query('COMMIT');
  } finally {
    client.release();
  }

  const columns = [
    template.map((_, index) => index + 1),
    template.map((event) => event.type),
    template.map((event) => JSON.stringify(event.data)),
    template.map((event) => JSON.stringify(event.metadata)),
  ];
  const bulk = await pool.connect();
  try {
    const loadSummaries = await loadSummariesSql(bulk);
    // Random keys (event ids, order ids) make index inserts slow; building each index once at the end is fast.
    await bulk.query("SET maintenance_work_mem = '256MB'");
    const rebuild = await dropIndexes(bulk, ['events', 'order_summary', 'order_tokens', 'vault_entries']);
    for (let first = 1; first <= options.orders; first += options.batchOrders) {
      const last = Math.min(options.orders, first + options.batchOrders - 1);
      await bulk.query(LOAD_EVENTS, [first, last, ...columns, TEMPLATE_ORDER]);
      await bulk.query(loadSummaries, [first, last]);
      await bulk.query(LOAD_TOKENS, [first, last]);
      const standIns = Math.max(first, options.readable + 1);
      if (standIns <= last) {
        await bulk.query(LOAD_VAULT_KEYS, [standIns, last]);
        await bulk.query(LOAD_VAULT_ENTRIES, [standIns, last]);
      }
    }
    for (const statement of rebuild) await bulk.query(statement);
  } finally {
    bulk.release();
  }
  const readable = Math.min(options.readable, options.orders);
  await inParallel(readable, 8, (i) => options.keep(loadedOrderId(i + 1), { customer: `Guest ${i + 1}` }));
  await pool.query(`INSERT INTO projection_checkpoints (name, transaction_id, position)
    SELECT 'orderSummary', transaction_id, position FROM events ORDER BY transaction_id DESC, position DESC LIMIT 1
    ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, position = EXCLUDED.position`);
  // What autovacuum does to a table that stopped growing: statistics and the visibility map.
  await pool.query('VACUUM ANALYZE');
  return { seconds: (performance.now() - started) / 1000 };
}

/** Runs `task(0..count-1)` with `concurrency` at a time. */
export async function inParallel(count: number, concurrency: number, task: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) await task(i);
    }),
  );
}

/**
 * Drops the tables' indexes and unique constraints (a primary key only when no foreign key leans
 * on it, and never the log's position) and returns the statements that make them again, as defined.
 */
async function dropIndexes(db: pg.ClientBase, tables: string[]): Promise<string[]> {
  const { rows } = await db.query<{ drop: string; create: string }>(
    `SELECT format('ALTER TABLE %I DROP CONSTRAINT %I', c.relname, k.conname) AS drop,
            format('ALTER TABLE %I ADD CONSTRAINT %I %s', c.relname, k.conname, pg_get_constraintdef(k.oid)) AS create
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
     WHERE c.relname = ANY($1) AND k.contype IN ('p', 'u') AND k.conname <> 'events_pkey'
       AND NOT EXISTS (SELECT FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid)
     UNION ALL
     SELECT format('DROP INDEX %I', i.relname), pg_get_indexdef(i.oid)
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
     WHERE c.relname = ANY($1) AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.oid)`,
    [tables],
  );
  for (const row of rows) await db.query(row.drop);
  return rows.map((row) => row.create);
}
