import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { getDailySales, lockHolders, READ_MODELS, waitForPosition } from '../../../projections';
import { appendInterleaved, mixedOrders, SIMULATED_PATHS } from '../../../simulators/simulatedOrders';
import { waitFor } from '../../support/waitFor';
import { type ProjectionsDatabase, projectionsDatabase } from './support';

const root = resolve(import.meta.dirname, '../../..');
const NAMES = READ_MODELS.map((model) => model.name);
let db: ProjectionsDatabase;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await projectionsDatabase();
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await db.drop();
});

/** A real projector process, exactly as `npm start` runs it. */
function projectorProcess(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(root, 'bin/projector.ts')], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn', PROJECTOR_POLL_INTERVAL_MS: '100' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

/** The pid whose connections hold every projection's lock (or undefined while it is split or free). */
async function activePid(): Promise<number | undefined> {
  const holders = await lockHolders(db.pool, NAMES);
  const pids = new Set(NAMES.map((name) => holders.get(name)?.applicationName.split(':')[2]));
  return pids.size === 1 && !pids.has(undefined) ? Number([...pids][0]) : undefined;
}

const standbyConnections = async (pid: number) =>
  (
    await db.pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE $1`, [
      `projector:%:${pid}`,
    ])
  ).rows[0].n as number;

test('of two projector processes only one is active; SIGKILL it and the other takes over from the checkpoint', async () => {
  const first = projectorProcess();
  await waitFor(async () => expect(await activePid()).toBe(first.pid), { timeoutMs: 30_000 });
  const second = projectorProcess();
  // The second is up, connected and trying the locks, but stands by.
  await waitFor(async () => expect(await standbyConnections(second.pid!)).toBe(NAMES.length), {
    timeoutMs: 30_000,
  });
  const before = await appendInterleaved(db.store, mixedOrders(SIMULATED_PATHS.length * 2, 'one'));
  for (const name of NAMES)
    expect(await waitForPosition(db.pool, name, Math.max(...before), 10_000)).toBe(true);
  expect(await activePid()).toBe(first.pid);

  first.kill('SIGKILL');
  const killedAt = Date.now();
  await waitFor(async () => expect(await activePid()).toBe(second.pid), { timeoutMs: 30_000 });
  // The README promises a takeover "within seconds"; the standby tries every 100 ms here.
  expect(Date.now() - killedAt).toBeLessThan(10_000);

  const after = await appendInterleaved(db.store, mixedOrders(SIMULATED_PATHS.length * 2, 'two'));
  for (const name of NAMES)
    expect(await waitForPosition(db.pool, name, Math.max(...after), 10_000)).toBe(true);
  const { rows } = await db.pool.query(
    'SELECT count(*)::int AS orders, sum(version)::int AS events FROM order_summary',
  );
  expect(rows[0]).toEqual({ orders: SIMULATED_PATHS.length * 4, events: before.length + after.length });
  const placed = (await getDailySales(db.pool)).reduce((sum, day) => sum + day.orders.placed, 0);
  expect(placed).toBe(SIMULATED_PATHS.length * 4);

  const exited = new Promise((done) => second.once('exit', done));
  second.kill('SIGTERM');
  expect(await exited).toBe(0);
});
