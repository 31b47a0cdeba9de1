import { expect, test } from 'vitest';
import { loadDevConfig } from '../../../config/dev';
import { loadProjectorConfig } from '../../../config/projector';
import { InvalidConfig } from '../../../config/read';
import { loadBaristaConfig, loadOrdersWorkerConfig } from '../../../config/worker';

const problemsOf = (load: () => unknown): string[] => {
  try {
    load();
  } catch (error) {
    if (error instanceof InvalidConfig) return error.problems.map((problem) => problem.split(':')[0]!);
    throw error;
  }
  return [];
};

test('the projector refuses a bad configuration at start-up, naming every problem', () => {
  expect(
    problemsOf(() => loadProjectorConfig({ DATABASE_URL: 'mysql://x', PROJECTOR_BATCH_SIZE: '0' })),
  ).toEqual(['DATABASE_URL', 'PROJECTOR_BATCH_SIZE']);
  expect(loadProjectorConfig({ DATABASE_URL: 'postgres://u@h/db' })).toMatchObject({
    batchSize: 1000,
    pollIntervalMs: 500,
    lockRetryMs: 1000,
    logLevel: 'info',
  });
});

test('the workers need a database (orders) and read the simulators’ fault knobs', () => {
  expect(problemsOf(() => loadOrdersWorkerConfig({ GATEWAY_LEDGER: 'disk' }))).toEqual([
    'DATABASE_URL',
    'GATEWAY_LEDGER',
  ]);
  const orders = loadOrdersWorkerConfig({ DATABASE_URL: 'postgres://u@h/db', GATEWAY_FLAKY_FAILURES: '1' });
  expect(orders).toMatchObject({ taskQueue: 'orders', ledger: 'postgres', gateway: { flakyFailures: 1 } });
  const barista = loadBaristaConfig({ COFFEE_BREW_SCALE: '0.5' });
  expect(barista).toMatchObject({ taskQueue: 'barista', coffeeMachine: { brewScale: 0.5, jamFailures: 2 } });
  expect(problemsOf(() => loadBaristaConfig({ BARISTA_CONCURRENCY: '0', COFFEE_TICK_MS: '-1' }))).toEqual([
    'BARISTA_CONCURRENCY',
    'COFFEE_TICK_MS',
  ]);
});

test('npm start runs on embedded defaults; an empty variable counts as unset', () => {
  const dev = loadDevConfig({ DATABASE_URL: '', PORT: '' });
  expect(dev).toMatchObject({
    databaseUrl: undefined,
    apiPort: 3000,
    postgresPort: 54329,
    temporalPort: 7233,
  });
  expect(problemsOf(() => loadDevConfig({ PORT: 'x', TEMPORAL_UI_PORT: '70000' }))).toEqual([
    'PORT',
    'TEMPORAL_UI_PORT',
  ]);
});
