import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiConfig } from '../../config/api';
import { bearer, call, order, placeOrder, waitForStatus } from './http';
import { type ShopSystem, startShop } from './system';

// Limits that need the real system: Postgres statements that hang, and idempotency keys the
// API prunes by itself. (Slow stream readers: test/unit/api/slowReaders.test.ts.)

let shop: ShopSystem;
beforeAll(async () => {
  shop = await startShop('limits');
});
afterAll(() => shop?.stop());

test('a statement that hangs behind a lock ends at statement_timeout with a 503, not a hung request', async () => {
  const api = await shop.startAnotherApi({
    config: { postgres: { ...apiConfig().postgres, statementTimeoutMs: 500 } },
  });
  const locker = await shop.db.pool.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE idempotency_keys IN ACCESS EXCLUSIVE MODE');
    const sleeping = locker.query('SELECT pg_sleep(5)');
    const started = Date.now();
    const answer = await placeOrder(api.url, order({ customer: 'Blocked' }));
    const took = Date.now() - started;
    console.log(
      `\nA statement behind a lock: ${answer.status} after ${took} ms (statement_timeout 500 ms)\n`,
    );
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(answer.body.title).toBe('Postgres did not answer in time');
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(3_000);
    await sleeping;
  } finally {
    await locker.query('ROLLBACK');
    locker.release();
    await api.stop();
  }
  // the lock gone, the same API shape answers again
  expect((await placeOrder(shop.url, order({ customer: 'Unblocked' }))).status).toBe(202);
});

test('a key older than its retention is pruned by the API itself; using it again places a new order', async () => {
  const key = randomUUID();
  const body = order({ customer: 'Pruned' });
  const first = await placeOrder(shop.url, body, { 'idempotency-key': key });
  expect(first.status).toBe(202);
  const replay = await placeOrder(shop.url, body, { 'idempotency-key': key });
  expect(replay.headers.get('idempotent-replayed')).toBe('true');
  expect(replay.body).toEqual(first.body);

  // A day and an hour later (as far as the table knows), an API prunes on its own schedule.
  await shop.db.pool.query(
    `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`,
    [key],
  );
  const pruner = await shop.startAnotherApi({
    config: { idempotency: { retentionHours: 24, pruneEveryMs: 200 } },
  });
  try {
    await expect
      .poll(
        async () =>
          (await shop.db.pool.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key])).rowCount,
      )
      .toBe(0);
  } finally {
    await pruner.stop();
  }

  // As documented: the key is forgotten, so the same request is a new order with a new token.
  const after = await placeOrder(shop.url, body, { 'idempotency-key': key });
  expect(after.status).toBe(202);
  expect(after.headers.get('idempotent-replayed')).toBeNull();
  expect(after.body.orderId).not.toBe(first.body.orderId);
  expect(after.body.orderToken).not.toBe(first.body.orderToken);
  // each token still opens its own order, and only that one
  const read = (orderId: string, token: string) =>
    call(shop.url, 'GET', `/orders/${orderId}`, undefined, bearer(token)).then((answer) => answer.status);
  await waitForStatus(
    shop.url,
    after.body.orderId,
    ['PLACED', 'PAID', 'BREWING', 'READY'],
    20_000,
    shop.staff,
  );
  expect(await read(first.body.orderId, first.body.orderToken)).toBe(200);
  expect(await read(after.body.orderId, after.body.orderToken)).toBe(200);
  expect(await read(after.body.orderId, first.body.orderToken)).toBe(404);
});
