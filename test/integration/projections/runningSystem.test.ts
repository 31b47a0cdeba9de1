import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { findRunningSystem, forgetRunningSystem, recordRunningSystem } from '../../../config/runningSystem';
import { appendInterleaved, mixedOrders } from '../../../simulators/simulatedOrders';
import { type ProjectionsDatabase, projectionsDatabase } from './support';

const root = resolve(import.meta.dirname, '../../..');
let db: ProjectionsDatabase;
let dataDir: string;
beforeAll(async () => {
  db = await projectionsDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'brew-saga-running-'));
});
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await db.drop();
});

/** `npm run projections -- …` as an operator types it: no DATABASE_URL, nothing but the data dir. */
const operator = (...args: string[]) =>
  promisify(execFile)('npm', ['run', '--silent', 'projections', '--', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, BREW_SAGA_DATA_DIR: dataDir },
  });

const record = (pid: number) =>
  recordRunningSystem(dataDir, {
    pid,
    startedAt: new Date().toISOString(),
    databaseUrl: db.url,
    temporalAddress: '127.0.0.1:7233',
    temporalUiUrl: 'http://127.0.0.1:8233',
    apiUrl: 'http://127.0.0.1:3000',
    notificationProviderUrl: 'http://127.0.0.1:4010',
  });

test('while npm start runs, `npm run projections -- status` finds its database with a clean environment', async () => {
  const positions = await appendInterleaved(db.store, mixedOrders(3, 'running'));
  record(process.pid); // this process stands in for `npm start`: alive, as its pid says
  const { stdout } = await operator('status');
  expect(stdout).toMatch(/^PROJECTION +STATE +POSITION/m);
  expect(stdout).toMatch(new RegExp(`^orderSummary +idle +0 +0 +${Math.max(...positions)} `, 'm'));
  forgetRunningSystem(dataDir);
  expect(findRunningSystem({ BREW_SAGA_DATA_DIR: dataDir })).toBeUndefined();
});

test('a record left by an npm start that died is ignored, and the tool says what is missing', async () => {
  record(2 ** 22 + 1); // above Linux's largest pid: no such process
  expect(findRunningSystem({ BREW_SAGA_DATA_DIR: dataDir })).toBeUndefined();
  await expect(operator('status')).rejects.toMatchObject({
    code: 2,
    stderr: expect.stringMatching(
      /DATABASE_URL is not set, and no running `npm start` was found .*running\.json/,
    ),
  });
});
