import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import { type PlaceOrderLine, placeOrder } from '../../../domain';
import { createEventStore, migrateEventStore } from '../../../eventstore';
import {
  createPaymentSimulator,
  migrateGatewayLedger,
  type PaymentSimulatorConfig,
  postgresLedger,
  postgresPaymentBook,
} from '../../../simulators';
import { createOrdersWorker } from '../../../workers/ordersWorker';
import type { OrderSagaInput } from '../../../workflows/definitions';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { uniqueTaskQueue } from '../../support/temporal';
import { orderWorkflowBundle } from '../../workflows/sagaHarness';

/** The pieces of a saga deployment on this run's dev server, isolated by task queue and database. */
export async function devServerSaga() {
  const db: TestDatabase = await createTestDatabase();
  await migrateEventStore(db.pool);
  await migrateGatewayLedger(db.pool);
  const store = createEventStore(db.pool);
  const ledger = postgresLedger(db.pool);
  const book = postgresPaymentBook(db.pool);
  const address = inject('temporalAddress');
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const ordersQueue = uniqueTaskQueue('orders');
  const baristaQueue = uniqueTaskQueue('barista');
  const customer = `Ana ${randomUUID().slice(0, 8)}`;
  /** A fresh simulated gateway over the shared books, as a separate worker process would have. */
  const gateway = (config: Partial<PaymentSimulatorConfig> = {}) =>
    createPaymentSimulator(config, ledger, book);
  return {
    db,
    store,
    ledger,
    book,
    client,
    nativeConnection,
    ordersQueue,
    baristaQueue,
    customer,
    gateway,
    /** An orders worker with its own gateway client: only the books are shared, as in production. */
    async ordersWorker(gatewayConfig: Partial<PaymentSimulatorConfig> = {}) {
      return createOrdersWorker({
        connection: nativeConnection,
        taskQueue: ordersQueue,
        appendToStream: store.append,
        readStream: (streamId) => store.readStream(streamId),
        paymentGateway: gateway(gatewayConfig),
        workflowBundle: await orderWorkflowBundle(),
      });
    },
    order(lines: Partial<PlaceOrderLine>[] = [{}], overrides: Partial<OrderSagaInput> = {}): OrderSagaInput {
      const items = lines.map(
        (line) => ({ drink: 'latte', size: 'medium', quantity: 1, ...line }) as PlaceOrderLine,
      );
      const placed = placeOrder(
        { customer, items, payment: { token: 'tok_visa_4242' } },
        { orderId: randomUUID(), now: new Date().toISOString(), pickupWindowSeconds: 600 },
      );
      return { ...placed, baristaTaskQueue: baristaQueue, ...overrides };
    },
    async close() {
      await store.close();
      await connection.close();
      await nativeConnection.close();
      await db.drop();
    },
  };
}
