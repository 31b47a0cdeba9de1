import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { encryptedDataConverter } from '../../codec';
import { stopChild } from '../../embedded/temporal';
import { parseKeyring } from '../../keys';
import type { bareOrder } from './bareOrderWorkflow';
import { bareTakenUpdate } from './bareOrderWorkflow';

const TASK_QUEUE = 'bench-api-bare-orders'; // bareOrderWorker.ts polls it

/**
 * The floor `POST /orders` is measured against: update-with-start of a workflow whose update answers
 * once one local-activity INSERT committed, on the same dev server and Postgres, through the same codec.
 */
export async function openBareUpdateWithStart(env: NodeJS.ProcessEnv, logFd: number | 'inherit' = 'inherit') {
  const worker = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./bareOrderWorker.ts', import.meta.url).pathname],
    {
      env,
      stdio: ['ignore', 'pipe', logFd],
    },
  );
  let ready = '';
  while (!ready.includes('polling')) ready += String((await once(worker.stdout!, 'data'))[0]);
  worker.stdout!.resume(); // nothing reads it further: a full pipe must not stall the worker
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS! });
  const keys = parseKeyring(env.TEMPORAL_CODEC_KEYS!, env.TEMPORAL_CODEC_KEY_ID);
  const client = new Client({ connection, dataConverter: encryptedDataConverter(keys) });
  return {
    /** Its worker's pid, for the CPU meter. */
    workerPid: worker.pid!,
    /** One bare order; true once its update answered with the INSERT's position. */
    async place(): Promise<boolean> {
      const orderId = randomUUID();
      const startWorkflowOperation = new WithStartWorkflowOperation<typeof bareOrder>('bareOrder', {
        workflowId: `bare-order-${orderId}`,
        taskQueue: TASK_QUEUE,
        args: [orderId],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      const position = await client.workflow.executeUpdateWithStart(bareTakenUpdate, {
        startWorkflowOperation,
      });
      return position > 0;
    },
    async close() {
      await connection.close();
      await stopChild(worker);
    },
  };
}
