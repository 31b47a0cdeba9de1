import { fileURLToPath } from 'node:url';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import {
  type AppendToStream,
  createOrderActivities,
  type PaymentGateway,
  type ReadStream,
} from '../../activities';
import { ORDERS_TASK_QUEUE } from '../../workflows/definitions';

export const ORDER_WORKFLOWS_PATH = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

export interface OrdersWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  appendToStream: AppendToStream;
  /** The store's readStream: lets a re-executed local append recognise facts it already wrote. */
  readStream?: ReadStream;
  paymentGateway: PaymentGateway;
  /** A prebuilt bundle (`bundleWorkflowCode({ workflowsPath: ORDER_WORKFLOWS_PATH })`) saves seconds per worker. */
  workflowBundle?: { code: string };
  tuning?: Pick<
    WorkerOptions,
    'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'
  >;
}

/** The `orders` worker: the saga itself, its appends and its payments. */
export function createOrdersWorker(options: OrdersWorkerOptions): Promise<Worker> {
  const source = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath: ORDER_WORKFLOWS_PATH };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? ORDERS_TASK_QUEUE,
    ...source,
    activities: createOrderActivities(options),
    ...options.tuning,
  });
}
