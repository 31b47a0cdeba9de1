import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from '../../embedded/postgres';
import { waitFor } from '../support/waitFor';
import { type Answer, bearer, call, order, waitForStatus } from './http';
import { type ShopSystem, startShop } from './system';

// This test stops Postgres, so it brings its own: the shared one stays up for everyone else.
const dataRoot = mkdtempSync(join(tmpdir(), 'brew-saga-outage-'));
/** Long enough for every pool to notice and for several requests; the chaos run holds it 60 s. */
const OUTAGE_MS = 8_000;
let postgres: EmbeddedPostgresHandle;
let shop: ShopSystem;

beforeAll(async () => {
  postgres = await startEmbeddedPostgres({ dataDir: join(dataRoot, 'pg'), unsafeFast: true });
  const pool = new pg.Pool({ connectionString: postgres.url, max: 10 });
  // Stopping Postgres breaks idle pooled connections: expected here.
  pool.on('error', () => {});
  shop = await startShop('outage', {
    db: {
      url: postgres.url,
      pool,
      async drop() {
        await pool.end();
      },
    },
  });
});
afterAll(async () => {
  await shop?.stop();
  await postgres?.stop();
  rmSync(dataRoot, { recursive: true, force: true });
});

/** One request, timed: during the outage every answer must come quickly. */
async function timed(request: () => Promise<Answer>): Promise<Answer & { ms: number }> {
  const started = Date.now();
  const answer = await request();
  return { ...answer, ms: Date.now() - started };
}

const placeWith = (key: string) => () =>
  call(shop.url, 'POST', '/orders', order({ customer: 'Noor' }), { 'idempotency-key': key });

test('while Postgres is down, orders and reads answer 503 + Retry-After at once; the same key then completes the order', async () => {
  // Given an order placed before the outage
  const before = await placeWith(randomUUID())();
  expect(before.status).toBe(202);
  const token = bearer(before.body.orderToken);

  // When Postgres stops
  await postgres.stop();
  const outageEnds = Date.now() + OUTAGE_MS;
  const key = randomUUID();
  const answers: Array<Answer & { ms: number; what: string }> = [];
  while (Date.now() < outageEnds) {
    for (const [what, request] of [
      ['POST /orders', placeWith(key)],
      ['GET /orders/:id', () => call(shop.url, 'GET', `/orders/${before.body.orderId}`, undefined, token)],
      ['GET /orders', () => call(shop.url, 'GET', '/orders', undefined, shop.staff)],
    ] as const)
      answers.push({ ...(await timed(request)), what });
  }

  // Then every answer is a quick 503 problem with Retry-After: never a 500, never a hang
  for (const answer of answers) {
    expect({ what: answer.what, status: answer.status }).toEqual({ what: answer.what, status: 503 });
    expect(answer.ms).toBeLessThan(5_000);
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
  }
  expect(answers.length).toBeGreaterThanOrEqual(6);
  const ready = await call(shop.url, 'GET', '/readyz');
  expect(ready.status).toBe(503);

  // When Postgres is back, the customer's retry with the same key places the order, once
  await postgres.start();
  const placed = await waitFor(
    async () => {
      const answer = await placeWith(key)();
      expect(answer.status).toBe(202);
      return answer;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: 'the retried order' },
  );
  const again = await placeWith(key)();
  expect(again.body.orderId).toBe(placed.body.orderId);
  await waitForStatus(
    shop.url,
    placed.body.orderId,
    ['READY', 'COMPLETED'],
    60_000,
    bearer(placed.body.orderToken),
  );
  await waitForStatus(shop.url, before.body.orderId, ['READY', 'COMPLETED'], 60_000, token);
});
