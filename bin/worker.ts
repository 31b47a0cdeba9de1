import { NativeConnection } from '@temporalio/worker';
import pg from 'pg';
import {
  createPaymentSimulator,
  type GatewayLedger,
  memoryLedger,
  memoryPaymentBook,
  migrateGatewayLedger,
  type PaymentBook,
  postgresLedger,
  postgresPaymentBook,
} from '../activities';
import { createEventStore, migrateEventStore } from '../eventstore';
import { configOrExit, ordersWorkerConfig } from './workers/config';
import { createOrdersWorker } from './workers/ordersWorker';
import { runUntilSignalled } from './workers/runUntilSignalled';

// The `orders` worker: order sagas, event appends and payments.
const config = configOrExit(ordersWorkerConfig, 'orders worker');
const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 20 });
// An idle connection dropped by a Postgres restart must not crash the worker: the pool reconnects.
pool.on('error', (error) => console.warn(`orders worker: idle database connection lost: ${error.message}`));
await migrateEventStore(pool);
let ledger: GatewayLedger = memoryLedger();
let book: PaymentBook = memoryPaymentBook();
if (config.GATEWAY_LEDGER === 'postgres') {
  await migrateGatewayLedger(pool);
  ledger = postgresLedger(pool);
  book = postgresPaymentBook(pool);
}
const paymentGateway = createPaymentSimulator(
  {
    flakyFailures: config.GATEWAY_FLAKY_FAILURES,
    slowMs: config.GATEWAY_SLOW_MS,
    refundFailures: config.GATEWAY_REFUND_FAILURES,
    latencyMs: config.GATEWAY_LATENCY_MS,
    lateMs: config.GATEWAY_LATE_MS,
    silentMs: config.GATEWAY_SILENT_MS || null,
  },
  ledger,
  book,
);
const store = createEventStore(pool);
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
try {
  const worker = await createOrdersWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.ORDERS_TASK_QUEUE,
    appendToStream: store.append,
    readStream: (streamId) => store.readStream(streamId),
    paymentGateway,
  });
  console.log(`orders worker polling ${config.ORDERS_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS}`);
  await runUntilSignalled(worker, 'orders worker');
} finally {
  await store.close();
  await connection.close();
  await pool.end();
}
