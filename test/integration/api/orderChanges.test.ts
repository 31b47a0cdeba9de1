import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cacheOrderReads } from '../../../api/adapters/orderCache';
import { listenForOrderChanges, notifyOrderChanged } from '../../../api/adapters/orderChanges';
import { cacheOrderTokens } from '../../../api/adapters/orderTokens';
import { createLogger } from '../../../api/logger';
import type { OrderChangeNotice, OrderQueries, OrderView } from '../../../api/ports';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { waitFor } from '../../support/waitFor';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const quiet = createLogger('silent', new Writable({ write: (_chunk, _encoding, done) => done() }));

test('order_changed notifications reach every subscriber, also after the LISTEN connection was killed', async () => {
  const changes = listenForOrderChanges(db.url, quiet);
  const seen: OrderChangeNotice[] = [];
  const unsubscribe = changes.subscribe((notice) => seen.push(notice));
  try {
    await waitFor(changes.isLive);
    await db.pool.query(`SELECT pg_notify('order_changed', 'order-1:41')`);
    await waitFor(() => seen.length === 1);
    expect(seen[0]).toEqual({ orderId: 'order-1', position: 41 });

    await db.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'api:order-changes:%'`,
    );
    await waitFor(() => !changes.isLive());
    await waitFor(changes.isLive);
    await db.pool.query(`SELECT pg_notify('order_changed', 'order-2:42')`);
    await waitFor(() => seen.length === 2);
    expect(seen[1]).toEqual({ orderId: 'order-2', position: 42 });
  } finally {
    unsubscribe();
    await changes.close();
  }
});

test("an erasure's NOTIFY drops the order's cached view and token in another API process before its next read", async () => {
  // The other process: its own LISTEN connection, its caches in front of a read model we edit.
  const changes = listenForOrderChanges(db.url, quiet);
  let row = { orderId: 'order-9', customer: 'Ana', erased: false } as OrderView;
  const queries = cacheOrderReads({ getOrder: async () => row } as unknown as OrderQueries, changes, {
    isLive: changes.isLive,
  });
  const tokens = cacheOrderTokens({ orderOf: async () => 'order-9' }, changes);
  const hash = Buffer.alloc(32, 7);
  try {
    await waitFor(changes.isLive);
    expect(await queries.getOrder('order-9')).toMatchObject({ customer: 'Ana' });
    expect(await tokens.orderOf(hash)).toBe('order-9');
    row = { ...row, customer: null, erased: true };
    expect(queries.cachedOrder?.('order-9')).toMatchObject({ customer: 'Ana' });

    await notifyOrderChanged(db.pool, 'order-9');
    await waitFor(() => queries.cachedOrder?.('order-9') === undefined);
    expect(tokens.known?.(hash)).toBeUndefined();
    expect(await queries.getOrder('order-9')).toMatchObject({ customer: null, erased: true });
  } finally {
    queries.close();
    tokens.close();
    await changes.close();
  }
});
