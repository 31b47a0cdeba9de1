import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { listenForOrderChanges } from '../../../api/adapters/orderChanges';
import { createLogger } from '../../../api/logger';
import type { OrderChangeNotice } from '../../../api/ports';
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
