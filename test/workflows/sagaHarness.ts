import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll } from 'vitest';
import { orderStreamId, type PlaceOrderLine, personalDataOf, placeOrder } from '../../domain';
import { createEventStore, migrateEventStore } from '../../eventstore';
import {
  type CoffeeMachineConfig,
  createCoffeeMachineSimulator,
  createPaymentSimulator,
  type PaymentSimulatorConfig,
} from '../../simulators';
import { createVault, migrateVault, type Vault } from '../../vault';
import { createBaristaWorker } from '../../workers/baristaWorker';
import { createOrdersWorker, ORDER_WORKFLOWS_PATH, vaultPorts } from '../../workers/ordersWorker';
import {
  ORDER_SAGA_WORKFLOW,
  type OrderSagaInput,
  orderWorkflowId,
  type PlacedResult,
  placedUpdate,
} from '../../workflows/definitions';
import type { orderSaga } from '../../workflows/orderSaga';
import { registeredSearchAttributes } from '../../workflows/searchAttributes';
import { plainHistory } from '../support/plainHistory';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { TEST_VAULT_KEYS, testDataConverter } from '../support/secrets';
import { startTimeSkipping, uniqueTaskQueue } from '../support/temporal';

/** The time-skipping server, with the saga's search attributes registered as on the dev server. */
export async function startSagaTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const env = await startTimeSkipping();
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(registeredSearchAttributes.map((key) => [key.name, keyword])),
  });
  return env;
}

let bundle: Promise<{ code: string }> | undefined;
/** One workflow bundle per test file: bundling costs seconds. */
export const orderWorkflowBundle = () => {
  bundle ??= bundleWorkflowCode({ workflowsPath: ORDER_WORKFLOWS_PATH, logger: quietBundler });
  return bundle;
};
const quietBundler = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

/** Fast simulators: a latte brews in ~120 ms, a slow card takes 300 ms. */
export const FAST_MACHINE: Partial<CoffeeMachineConfig> = { brewScale: 0.002, tickMs: 50 };
export const FAST_GATEWAY: Partial<PaymentSimulatorConfig> = { slowMs: 300 };

/** A test's order: the saga's input, and what the customer gave (kept in the vault by `order`). */
export type OrderOverrides = Partial<OrderSagaInput> & { customer?: string; paymentToken?: string };

export interface SagaHarness {
  db: TestDatabase;
  vault: Vault;
  store: ReturnType<typeof createEventStore>;
  gateway: ReturnType<typeof createPaymentSimulator>;
  machine: ReturnType<typeof createCoffeeMachineSimulator>;
  ordersQueue: string;
  baristaQueue: string;
  /**
   * Runs an orders worker and a barista worker while `fn` runs. `deployed` swaps the saga's code (today's
   * by default) for a worker that keeps no sticky cache, so the next worker takes its sagas over at once.
   */
  run<T>(fn: () => Promise<T>, deployed?: { workflowBundle: { code: string } }): Promise<T>;
  /** Starts a saga the way the API does (start, then the `placed` update); `type`: an older saga's. */
  start(
    order: OrderSagaInput,
    type?: string,
  ): Promise<{ handle: WorkflowHandle<typeof orderSaga>; placed: PlacedResult }>;
  /** A priced order whose name and card token are already in the vault, as the API leaves them. */
  order(lines?: Partial<PlaceOrderLine>[], overrides?: OrderOverrides): Promise<OrderSagaInput>;
  eventTypes(orderId: string): Promise<string[]>;
  close(): Promise<void>;
}

export interface SagaConfig {
  gateway?: Partial<PaymentSimulatorConfig>;
  machine?: Partial<CoffeeMachineConfig>;
}

export async function createSagaHarness(
  env: TestWorkflowEnvironment,
  config: SagaConfig = {},
): Promise<SagaHarness> {
  const connection = env.nativeConnection;
  const db = await createTestDatabase();
  await migrateEventStore(db.pool);
  await migrateVault(db.pool);
  const vault = createVault(db.pool, TEST_VAULT_KEYS);
  const store = createEventStore(db.pool);
  const gateway = createPaymentSimulator({ ...FAST_GATEWAY, ...config.gateway });
  const machine = createCoffeeMachineSimulator({ ...FAST_MACHINE, ...config.machine });
  const ordersQueue = uniqueTaskQueue('orders');
  const baristaQueue = uniqueTaskQueue('barista');
  const workers = async (deployed?: { workflowBundle: { code: string } }): Promise<Worker[]> => [
    await createOrdersWorker({
      connection,
      taskQueue: ordersQueue,
      appendToStream: store.append,
      readStream: (streamId) => store.readStream(streamId),
      paymentGateway: gateway,
      ...vaultPorts(vault),
      dataConverter: testDataConverter,
      workflowBundle: deployed?.workflowBundle ?? (await orderWorkflowBundle()),
      ...(deployed ? { tuning: { maxCachedWorkflows: 0 } } : {}),
    }),
    await createBaristaWorker({
      connection,
      taskQueue: baristaQueue,
      coffeeMachine: machine,
      dataConverter: testDataConverter,
    }),
  ];
  return {
    db,
    vault,
    store,
    gateway,
    machine,
    ordersQueue,
    baristaQueue,
    async run(fn, deployed) {
      const [orders, barista] = await workers(deployed);
      return orders!.runUntil(barista!.runUntil(fn));
    },
    async start(order, type = ORDER_SAGA_WORKFLOW) {
      const handle = await env.client.workflow.start<typeof orderSaga>(type, {
        taskQueue: ordersQueue,
        workflowId: orderWorkflowId(order.orderId),
        args: [order],
      });
      const placed = await handle.executeUpdate(placedUpdate);
      return { handle, placed };
    },
    async order(lines = [{}], { customer = 'Ana', paymentToken = 'tok_visa_4242', ...overrides } = {}) {
      const items = lines.map(
        (line) => ({ drink: 'latte', size: 'medium', quantity: 1, ...line }) as PlaceOrderLine,
      );
      const command = { customer, items, payment: { token: paymentToken } };
      const orderId = overrides.orderId ?? randomUUID();
      await vault.keep(orderId, personalDataOf(command));
      const placed = placeOrder(command, {
        orderId,
        now: '2026-11-25T08:00:00.000Z',
        pickupWindowSeconds: 1800,
      });
      return { ...placed, baristaTaskQueue: baristaQueue, ...overrides };
    },
    async eventTypes(orderId) {
      return (await store.readStream(orderStreamId(orderId))).map((event) => event.type);
    },
    async close() {
      await store.close();
      await db.drop();
    },
  };
}

/** A test file's time-skipping server and a harness on it; see `useSagaHarnesses`. */
export function useSagaHarness(config: SagaConfig = {}): SagaHarness {
  return useSagaHarnesses(config)[0];
}

/**
 * A test file's time-skipping server and one harness on it per config, up before its tests and
 * down after. The harnesses are filled in by `beforeAll`, so a file can name them at its top.
 */
export function useSagaHarnesses<Configs extends SagaConfig[]>(
  ...configs: Configs
): { [Index in keyof Configs]: SagaHarness } {
  const harnesses = configs.map(() => ({}) as SagaHarness);
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    env = await startSagaTimeSkipping();
    for (const [index, harness] of harnesses.entries()) {
      Object.assign(harness, await createSagaHarness(env, configs[index]));
    }
  });
  afterAll(async () => {
    for (const harness of harnesses) await harness.close?.();
    await env?.teardown();
  });
  return harnesses as { [Index in keyof Configs]: SagaHarness };
}

/**
 * The saga version today's tests record: each version's histories live in their own folder and keep
 * replaying after the next change (the top folder holds the charge/refund saga's).
 */
export const HISTORY_VERSION = 'orderSagaV2';

/** Records a path's history for the replay test, only when asked to (RECORD_HISTORIES=1); else a no-op. */
export async function keepHistory(name: string, handle: WorkflowHandle): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const folder = new URL(`../histories/${HISTORY_VERSION}/`, import.meta.url);
  mkdirSync(folder, { recursive: true });
  const file = new URL(`${name}.json`, folder);
  const history = await plainHistory(await handle.fetchHistory());
  writeFileSync(file, `${JSON.stringify(history, null, 1)}\n`);
}
