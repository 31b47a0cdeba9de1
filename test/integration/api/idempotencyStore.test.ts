import { afterAll, beforeAll, expect, test } from 'vitest';
import { migrateApi, postgresIdempotencyStore } from '../../../api/adapters/idempotencyStore';
import { postgresOrderTokens } from '../../../api/adapters/orderTokens';
import { hashOrderToken } from '../../../api/auth';
import { migrateEventStore } from '../../../eventstore';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await migrateEventStore(db.pool);
  await migrateApi(db.pool);
});
afterAll(() => db.drop());

test('the API migrations are idempotent and live in their own scope', async () => {
  expect(await migrateApi(db.pool)).toEqual([]);
  const { rows } = await db.pool.query(`SELECT name FROM schema_migrations WHERE scope = 'api'`);
  expect(rows.map((row) => row.name)).toEqual(['idempotency_keys', 'order_tokens']);
});

test('of 30 concurrent claims of one key exactly one wins; the others read what it stored', async () => {
  const store = postgresIdempotencyStore(db.pool, () => true);
  const claims = await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      store.claim('key-1', 'hash-a', `order-${i}`, hashOrderToken(`token-${i}`)),
    ),
  );
  expect(claims.filter((claim) => claim.outcome === 'claimed')).toHaveLength(1);
  expect(claims.filter((claim) => claim.outcome === 'existing')).toHaveLength(29);
  const winner = claims.findIndex((claim) => claim.outcome === 'claimed');
  expect(
    new Set(claims.map((claim) => (claim.outcome === 'existing' ? claim.orderId : `order-${winner}`))),
  ).toEqual(new Set([`order-${winner}`]));
  // only the winner's token was recorded, for the winner's order
  const tokens = postgresOrderTokens(db.pool);
  expect(await tokens.orderOf(hashOrderToken(`token-${winner}`))).toBe(`order-${winner}`);
  expect(await tokens.orderOf(hashOrderToken(`token-${(winner + 1) % 30}`))).toBeNull();

  const orderId = `order-${winner}`;
  const response = { status: 202, body: { orderId, position: 7 }, location: `/orders/${orderId}` };
  await store.complete('key-1', response);
  await store.complete('key-1', { ...response, status: 500 }); // the first answer stays
  expect(await store.claim('key-1', 'hash-b', 'order-b', hashOrderToken('token-b'))).toEqual({
    outcome: 'existing',
    requestHash: 'hash-a',
    orderId,
    response,
  });
});

test('a released claim (its order never started) can be claimed again', async () => {
  const store = postgresIdempotencyStore(db.pool, () => true);
  expect((await store.claim('key-2', 'hash', 'order', hashOrderToken('t'))).outcome).toBe('claimed');
  await store.release('key-2');
  expect((await store.claim('key-2', 'hash', 'order', hashOrderToken('t'))).outcome).toBe('claimed');
});

test('keys past their retention are pruned; newer ones and every order token stay', async () => {
  const store = postgresIdempotencyStore(db.pool, () => true);
  await store.claim('old-key', 'hash', 'old-order', hashOrderToken('old-token'));
  await store.claim('new-key', 'hash', 'new-order', hashOrderToken('new-token'));
  await db.pool.query(
    `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'old-key'`,
  );
  expect(await store.prune(24)).toBe(1);
  const { rows } = await db.pool.query(
    `SELECT key FROM idempotency_keys WHERE key IN ('old-key', 'new-key')`,
  );
  expect(rows.map((row) => row.key)).toEqual(['new-key']);
  expect(await postgresOrderTokens(db.pool).orderOf(hashOrderToken('old-token'))).toBe('old-order');
});
