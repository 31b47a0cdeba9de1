import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTimeSkipping } from '../support/temporal';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkipping();
});
afterAll(() => env?.teardown());

test('a workflow that sleeps one day finishes in seconds under time skipping', async () => {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'time-skipping-smoke',
    workflowsPath: fileURLToPath(new URL('../support/smokeWorkflows.ts', import.meta.url)),
  });
  const started = Date.now();
  const result = await worker.runUntil(
    env.client.workflow.execute('sleepOneDay', {
      taskQueue: 'time-skipping-smoke',
      workflowId: 'sleep-one-day',
    }),
  );
  expect(result).toBe('woke up');
  expect(Date.now() - started).toBeLessThan(10_000);
});
