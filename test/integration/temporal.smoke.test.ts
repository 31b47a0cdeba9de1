import { fileURLToPath } from 'node:url';
import { Client, type Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { connectToDevServer, uniqueTaskQueue } from '../support/temporal';

let connection: Connection;
beforeAll(async () => {
  connection = await connectToDevServer();
});
afterAll(() => connection.close());

test('a workflow with an activity completes on the real dev server and is visible through describe()', async () => {
  const taskQueue = uniqueTaskQueue('smoke');
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address: inject('temporalAddress') }),
    taskQueue,
    workflowsPath: fileURLToPath(new URL('../support/smokeWorkflows.ts', import.meta.url)),
    activities: { greet: async (name: string) => `one latte for ${name}` },
  });
  const client = new Client({ connection });
  const workflowId = `smoke-${taskQueue}`;
  const result = await worker.runUntil(
    client.workflow.execute('greetCustomer', { taskQueue, workflowId, args: ['Ana'] }),
  );
  expect(result).toBe('one latte for Ana');
  const description = await client.workflow.getHandle(workflowId).describe();
  expect(description.status.name).toBe('COMPLETED');
  expect(description.type).toBe('greetCustomer');
});
