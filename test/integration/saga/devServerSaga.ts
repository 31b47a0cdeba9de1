import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import { type PlaceOrderLine, personalDataOf, placeOrder } from '../../../domain';
import { createEventStore, migrateEventStore } from '../../../eventstore';
import {
  createPaymentSimulator,
  migrateGatewayLedger,
  type PaymentSimulatorConfig,
  postgresLedger,
  postgresPaymentBook,
} from '../../../simulators';
import { createVault, migrateVault } from '../../../vault';
import { createOrdersWorker, vaultPorts } from '../../../workers/ordersWorker';
import type { OrderSagaInput } from '../../../workflows/definitions';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { TEST_VAULT_KEYS, testDataConverter } from '../../support/secrets';
import { uniqueTaskQueue } from '../../support/temporal';
import type { OrderOverrides } from '../../workflows/sagaHarness';
import { orderWorkflowBundle } from '../../workflows/sagaHarness';

/** The pieces of a saga deployment on this run's dev server, isolated by task queue and database. */
export async function devServerSaga() {
  const db: TestDatabase = await createTestDatabase();
  await migrateEventStore(db.pool);
  await migrateGatewayLedger(db.pool);
  await migrateVault(db.pool);
  const vault = createVault(db.pool, TEST_VAULT_KEYS);
  const store = createEventStore(db.pool);
  const ledger = postgresLedger(db.pool);
  const book = postgresPaymentBook(db.pool);
  const address = inject('temporalAddress');
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, dataConverter: testDataConverter });
  const ordersQueue = uniqueTaskQueue('orders');
  const baristaQueue = uniqueTaskQueue('barista');
  const customer = `Ana ${randomUUID().slice(0, 8)}`;
  /** A fresh simulated gateway over the shared books, as a separate worker process would have. */
  const gateway = (config: Partial<PaymentSimulatorConfig> = {}) =>
    createPaymentSimulator(config, ledger, book);
  return {
    db,
    vault,
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
        ...vaultPorts(vault),
        dataConverter: testDataConverter,
        workflowBundle: await orderWorkflowBundle(),
      });
    },
    /** A priced order whose name and card token are in the vault, as the API leaves them. */
    async order(
      lines: Partial<PlaceOrderLine>[] = [{}],
      { paymentToken = 'tok_visa_4242', ...overrides }: OrderOverrides = {},
    ): Promise<OrderSagaInput> {
      const items = lines.map(
        (line) => ({ drink: 'latte', size: 'medium', quantity: 1, ...line }) as PlaceOrderLine,
      );
      const command = { customer, items, payment: { token: paymentToken } };
      const orderId = randomUUID();
      await vault.keep(orderId, personalDataOf(command));
      const placed = placeOrder(command, {
        orderId,
        now: new Date().toISOString(),
        pickupWindowSeconds: 600,
      });
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
