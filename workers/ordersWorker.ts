import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import {
  type AppendToStream,
  createOrderActivities,
  type PaymentGateway,
  type ReadStream,
  type RevealPaymentToken,
} from '../activities';
import { encryptedDataConverter } from '../codec';
import { required } from '../config/keys';
import type { OrdersWorkerConfig } from '../config/worker';
import { parsePersonalRef } from '../domain/personalData';
import { createEventStore, migrateEventStore } from '../eventstore';
import { createPool } from '../postgres';
import {
  createPaymentSimulator,
  type GatewayLedger,
  memoryLedger,
  memoryPaymentBook,
  migrateGatewayLedger,
  type PaymentBook,
  postgresLedger,
  postgresPaymentBook,
} from '../simulators';
import { workerTracing } from '../telemetry/hooks';
import { sagaFactMetrics } from '../telemetry/sagaMetrics';
import { createVault, migrateVault, pruneSettledTokens, sweepEvery, type Vault } from '../vault';
import { ORDERS_TASK_QUEUE } from '../workflows/definitions';
import { type RunningWorker, runWorker } from './runWorker';
import { quietBundlerLogger } from './temporalLogging';

export const ORDER_WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface OrdersWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  appendToStream: AppendToStream;
  /** The store's readStream: lets a re-executed local append recognise facts it already wrote. */
  readStream?: ReadStream;
  paymentGateway: PaymentGateway;
  /** The vault: the charge reads the card token there, and it is destroyed once the payment settled. */
  revealPaymentToken: RevealPaymentToken;
  paymentSettled?: (orderId: string) => Promise<void>;
  /** The payload codec (codec/): every payload this worker writes to Temporal is sealed. */
  dataConverter?: DataConverter;
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
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    interceptors: {
      activity: [...(tracing?.activityInterceptors ?? []), sagaFactMetrics(options.readStream)],
      ...(tracing ? { workflowModules: tracing.workflowModules } : {}),
    },
    ...(tracing ? { sinks: tracing.sinks, bundlerOptions: tracing.bundlerOptions } : {}),
    ...options.tuning,
  });
}

/** The `orders` worker process's composition: Postgres, the gateway simulator, Temporal. */
export async function startOrdersWorker(config: OrdersWorkerConfig, logger: Logger): Promise<RunningWorker> {
  const pool = createPool(config.databaseUrl, 'worker');
  // An idle connection dropped by a Postgres restart must not crash the worker: the pool reconnects.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection lost'));
  await migrateEventStore(pool);
  let ledger: GatewayLedger = memoryLedger();
  let book: PaymentBook = memoryPaymentBook();
  if (config.ledger === 'postgres') {
    await migrateGatewayLedger(pool);
    ledger = postgresLedger(pool);
    book = postgresPaymentBook(pool);
  }
  const store = createEventStore(pool);
  await migrateVault(pool);
  const vault = createVault(pool, required(config.vaultKeys, 'VAULT_MASTER_KEYS'));
  const codecKeys = required(config.codecKeys, 'TEMPORAL_CODEC_KEYS');
  const retention = sweepEvery(
    config.vaultRetention.pruneIntervalMs,
    () => pruneSettledTokens(pool, config.vaultRetention),
    (error) => logger.warn({ err: error }, 'vault retention sweep failed'),
  );
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const close = async () => {
    await retention.stop();
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
      paymentGateway: createPaymentSimulator(config.gateway, ledger, book),
      ...vaultPorts(vault),
      dataConverter: encryptedDataConverter(codecKeys),
      // Bundled here, so webpack's report goes to the debug level rather than the terminal.
      workflowBundle: await bundleWorkflowCode({
        workflowsPath: ORDER_WORKFLOWS_PATH,
        // A prebuilt bundle ignores the worker's workflowModules: the tracing interceptors go in here.
        workflowInterceptorModules: workerTracing()?.workflowModules ?? [],
        ...workerTracing()?.bundlerOptions,
        logger: quietBundlerLogger(logger),
      }),
    });
    return runWorker(worker, close);
  } catch (error) {
    await close();
    throw error;
  }
}

/** The orders worker's two uses of the vault: read the card token, destroy it once settled. */
export function vaultPorts(vault: Pick<Vault, 'reveal' | 'forget'>) {
  return {
    async revealPaymentToken(paymentRef: string): Promise<string | undefined> {
      const ref = parsePersonalRef(paymentRef);
      if (ref?.field !== 'paymentToken') throw new Error(`not a payment reference: ${paymentRef}`);
      return vault.reveal(ref.orderId, 'paymentToken');
    },
    paymentSettled: (orderId: string) => vault.forget(orderId, 'paymentToken'),
  };
}
