import { afterAll, beforeAll, expect, test } from 'vitest';
import { migrateApi, postgresIdempotencyStore } from '../../../api/adapters/idempotencyStore';
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
  expect(rows.map((row) => row.name)).toEqual(['idempotency_keys']);
});

test('of 30 concurrent claims of one key exactly one wins; the others read what it stored', async () => {
  const store = postgresIdempotencyStore(db.pool, () => true);
  const claims = await Promise.all(
    Array.from({ length: 30 }, () => store.claim('key-1', 'hash-a', 'order-a')),
  );
  expect(claims.filter((claim) => claim.outcome === 'claimed')).toHaveLength(1);
  expect(claims.filter((claim) => claim.outcome === 'existing')).toHaveLength(29);

  const response = { status: 202, body: { orderId: 'order-a', position: 7 }, location: '/orders/order-a' };
  await store.complete('key-1', response);
  await store.complete('key-1', { ...response, status: 500 }); // the first answer stays
  expect(await store.claim('key-1', 'hash-b', 'order-b')).toEqual({
    outcome: 'existing',
    requestHash: 'hash-a',
    orderId: 'order-a',
    response,
  });
});

test('a released claim (its order never started) can be claimed again', async () => {
  const store = postgresIdempotencyStore(db.pool, () => true);
  expect((await store.claim('key-2', 'hash', 'order')).outcome).toBe('claimed');
  await store.release('key-2');
  expect((await store.claim('key-2', 'hash', 'order')).outcome).toBe('claimed');
});
