import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { freePort } from '../../embedded/postgres';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { uniqueTaskQueue } from '../support/temporal';
import { waitFor } from '../support/waitFor';

const root = resolve(import.meta.dirname, '../..');
let db: TestDatabase;
let dataDir: string;
let shop: ChildProcess;
let output = '';

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'brew-saga-start-'));
  const ports = { api: await freePort(), metrics: await freePort(), provider: await freePort() };
  // `npm start` as a user runs it, on this run's Postgres and Temporal, on its own queues and ports.
  shop = spawn(process.execPath, ['--import', 'tsx', 'bin/dev.ts'], {
    cwd: root,
    env: {
      ...process.env,
      LOG_FORMAT: '',
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      BREW_SAGA_DATA_DIR: dataDir,
      PORT: String(ports.api),
      NOTIFIER_METRICS_PORT: String(ports.metrics),
      NOTIFICATION_SIMULATOR_PORT: String(ports.provider),
      ORDERS_TASK_QUEUE: uniqueTaskQueue('start-orders'),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('start-orders'),
      BARISTA_TASK_QUEUE: uniqueTaskQueue('start-barista'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  shop.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  shop.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
}, 30_000);

afterAll(async () => {
  if (shop.exitCode === null) {
    shop.kill('SIGKILL');
  }
  rmSync(dataDir, { recursive: true, force: true });
  await db.drop();
});

const lines = () => output.split('\n').filter((line) => line.trim() !== '');

test('npm start: one JSON record per line through a pipe, running.json for the operator tools, gone on Ctrl-C', async () => {
  await waitFor(
    () =>
      [
        'listening on',
        'orders worker polling',
        'barista polling',
        'notifier started',
        'projector started',
      ].every((ready) => output.includes(ready)),
    {
      timeoutMs: 120_000,
      what: 'every process to start',
    },
  );
  // every line is a pino record, the Temporal SDK's and the relayed children's alike; no webpack report
  for (const line of lines()) expect(() => JSON.parse(line), line).not.toThrow();
  const records = lines().map(
    (line) => JSON.parse(line) as { process?: string; service?: string; component?: string; msg: string },
  );
  expect(new Set(records.map((record) => record.process ?? record.service))).toEqual(
    new Set(['brew-saga', 'worker', 'barista', 'projector', 'notifier', 'api']),
  );
  expect(records.some((record) => record.component === 'temporal')).toBe(true);
  expect(output).not.toMatch(/webpack|workflow-bundle/i);

  // a second terminal: no DATABASE_URL, nothing but where the data lives
  const status = await promisify(execFile)('npm', ['run', '--silent', 'projections', '--', 'status'], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, BREW_SAGA_DATA_DIR: dataDir },
  });
  expect(status.stdout).toMatch(/^orderSummary +active /m);

  shop.kill('SIGINT');
  await waitFor(() => shop.exitCode !== null, { timeoutMs: 60_000, what: 'npm start to stop' });
  expect(shop.exitCode).toBe(0);
  expect(existsSync(join(dataDir, 'running.json'))).toBe(false);
}, 240_000);
