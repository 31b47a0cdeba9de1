import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { getOrderSummary } from '../../../projections';
import { appendInterleaved, mixedOrders } from '../../../simulators/simulatedOrders';
import { type ProjectionsDatabase, projectionsDatabase } from './support';

const root = resolve(import.meta.dirname, '../../..');
let db: ProjectionsDatabase;
beforeAll(async () => {
  db = await projectionsDatabase();
});
afterAll(() => db.drop());

const cli = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', resolve(root, 'bin/projections.ts'), ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: db.url },
  });

test('npm run projections -- rebuild <name>, then status shows where it stands', async () => {
  const positions = await appendInterleaved(db.store, mixedOrders(9, 'cli'));
  const rebuilt = await cli('rebuild', 'orderSummary');
  expect(rebuilt.stdout).toMatch(new RegExp(`rebuilt orderSummary from ${positions.length} events`));
  expect(await getOrderSummary(db.pool, 'cli-0')).toMatchObject({ status: 'COMPLETED' });
  const status = await cli('status');
  expect(status.stdout).toMatch(new RegExp(`^orderSummary +idle +${Math.max(...positions)} +\\d+ +0 `, 'm'));
  // Never run yet: at the start of the log, the whole log behind.
  expect(status.stdout).toMatch(new RegExp(`^dailySales +idle +0 +0 +${Math.max(...positions)} `, 'm'));
});

test('an unknown read model is refused with the list of known ones', async () => {
  await expect(cli('rebuild', 'nope')).rejects.toMatchObject({
    code: 2,
    stderr: expect.stringContaining('orderSummary, baristaQueue, dailySales'),
  });
});

test('retry clears a failed projection’s error', async () => {
  await db.pool.query(
    `UPDATE projection_checkpoints SET status = 'failed', error = 'boom', failed_transaction_id = '1', failed_position = 1 WHERE name = 'orderSummary'`,
  );
  await cli('retry', 'orderSummary');
  const { rows } = await db.pool.query(
    `SELECT status, error FROM projection_checkpoints WHERE name = 'orderSummary'`,
  );
  expect(rows[0]).toEqual({ status: 'running', error: null });
});
