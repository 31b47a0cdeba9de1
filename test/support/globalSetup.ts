import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { freePort, startEmbeddedPostgres } from '../../embedded/postgres';
import { temporalBinary } from '../../embedded/temporal';
import { registeredSearchAttributes } from '../../workflows/searchAttributes';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of this run's Postgres; each test file makes its own database there. */
    postgresUrl: string;
    postgresDataDir: string;
    temporalAddress: string;
  }
}

// One Postgres and one Temporal dev server per test run, torn down after; every test
// file gets its own database, so files stay independent.
export default async function setup(project: TestProject) {
  const root = mkdtempSync(join(tmpdir(), 'brew-saga-test-'));
  const postgres = await startEmbeddedPostgres({ dataDir: join(root, 'pg'), unsafeFast: true });
  const temporalPort = await freePort();
  const temporal = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalBinary('cli') },
      ip: '127.0.0.1',
      port: temporalPort,
      searchAttributes: registeredSearchAttributes,
      extraArgs: ['--log-level', 'error'],
    },
  });
  project.provide('postgresUrl', postgres.url);
  project.provide('postgresDataDir', postgres.dataDir);
  project.provide('temporalAddress', `127.0.0.1:${temporalPort}`);
  return async () => {
    await temporal.teardown();
    await postgres.stop();
    rmSync(root, { recursive: true, force: true });
  };
}
