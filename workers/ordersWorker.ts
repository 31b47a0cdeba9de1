import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import pg from 'pg';
import {
  type AppendToStream,
  createOrderActivities,
  type PaymentGateway,
  type ReadStream,
} from '../activities';
import type { OrdersWorkerConfig } from '../config/worker';
import { createEventStore, migrateEventStore } from '../eventstore';
import {
  createPaymentSimulator,
  type GatewayLedger,
  memoryLedger,
  migrateGatewayLedger,
  postgresLedger,
} from '../simulators';
import { workerTracing } from '../telemetry/hooks';
import { sagaFactMetrics } from '../telemetry/sagaMetrics';
import { ORDERS_TASK_QUEUE } from '../workflows/definitions';
import { type RunningWorker, runWorker } from './runWorker';

export const ORDER_WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

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
  /** Its name in traces, when several workers share a process (tests); default: the process's. */
  serviceName?: string;
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
  const tracing = workerTracing(options.serviceName);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? ORDERS_TASK_QUEUE,
    ...source,
    activities: createOrderActivities(options),
    interceptors: {
      activity: [...(tracing?.activityInterceptors ?? []), sagaFactMetrics(options.readStream)],
      ...(tracing ? { workflowModules: tracing.workflowModules } : {}),
    },
    ...(tracing ? { sinks: tracing.sinks } : {}),
    ...options.tuning,
  });
}

/** The `orders` worker process's composition: Postgres, the gateway simulator, Temporal. */
export async function startOrdersWorker(config: OrdersWorkerConfig): Promise<RunningWorker> {
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 20 });
  // An idle connection dropped by a Postgres restart must not crash the worker: the pool reconnects.
  pool.on('error', (error) => console.warn(`orders worker: idle database connection lost: ${error.message}`));
  await migrateEventStore(pool);
  let ledger: GatewayLedger = memoryLedger();
  if (config.ledger === 'postgres') {
    await migrateGatewayLedger(pool);
    ledger = postgresLedger(pool);
  }
  const store = createEventStore(pool);
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const close = async () => {
    await store.close();
    await connection.close();
    await pool.end();
  };
  try {
    const worker = await createOrdersWorker({
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      appendToStream: store.append,
      readStream: (streamId) => store.readStream(streamId),
      paymentGateway: createPaymentSimulator(config.gateway, ledger),
    });
    return runWorker(worker, close);
  } catch (error) {
    await close();
    throw error;
  }
}
