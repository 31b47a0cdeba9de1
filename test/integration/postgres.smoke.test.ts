import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

test('the embedded Postgres answers a query through pg', async () => {
  const { rows } = await db.pool.query('select 1 as one, current_setting($1) as version', [
    'server_version_num',
  ]);
  expect(rows[0].one).toBe(1);
  expect(Number(rows[0].version)).toBeGreaterThanOrEqual(140000);
});
