import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { bundleWorkflowCode, NativeConnection, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createLogger } from '../../api/logger';
import { type RunningApi, startApi } from '../../api/server';
import { type ApiConfig, apiConfig } from '../../config/api';
import { createEventStore, migrateEventStore } from '../../eventstore';
import { startProjector } from '../../projections';
import {
  type CoffeeMachineConfig,
  createCoffeeMachineSimulator,
  createPaymentSimulator,
  type PaymentSimulatorConfig,
} from '../../simulators';
import { createVault, migrateVault } from '../../vault';
import { createBaristaWorker } from '../../workers/baristaWorker';
import { createOrdersWorker, ORDER_WORKFLOWS_PATH, vaultPorts } from '../../workers/ordersWorker';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { TEST_CODEC_KEYS, TEST_VAULT_KEYS, testDataConverter } from '../support/secrets';
import { authConfig, bearer, type StaffTokens, staffTokens } from '../support/staffTokens';
import { uniqueTaskQueue } from '../support/temporal';

/** Fast simulators: a latte brews in ~120 ms; `tok_slow` takes 1.5 s, long enough to cancel during it. */
const FAST_MACHINE: Partial<CoffeeMachineConfig> = { brewScale: 0.002, tickMs: 50 };
const FAST_GATEWAY: Partial<PaymentSimulatorConfig> = { slowMs: 1_500 };

export interface ShopSystem {
  url: string;
  db: TestDatabase;
  api: RunningApi;
  logFile: string;
  /** Staff tokens the APIs accept (and an expired and a role-less one). */
  tokens: StaffTokens;
  /** `Authorization` for a manager, who may call every staff route. */
  staff: Record<string, string>;
  /** Another API on the same system, e.g. with a short pickup window. */
  startAnotherApi(options: {
    pickupWindowSeconds?: number;
    config?: Partial<ApiConfig>;
  }): Promise<RunningApi>;
  /** Everything the API processes logged so far. */
  logs(): string;
  stop(): Promise<void>;
}

const quietBundler = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

/**
 * The whole shop in this test process, as `npm start` runs it in several: Postgres (a fresh
 * database), the run's Temporal dev server, an orders worker, a barista, the projector and the API.
 */
export async function startShop(name: string, options: { db?: TestDatabase } = {}): Promise<ShopSystem> {
  // A test that stops Postgres brings its own; everyone else gets a fresh database on the shared one.
  const db = options.db ?? (await createTestDatabase());
  await migrateEventStore(db.pool);
  await migrateVault(db.pool);
  const store = createEventStore(db.pool);
  const temporalAddress = inject('temporalAddress');
  const connection = await NativeConnection.connect({ address: temporalAddress });
  const ordersQueue = uniqueTaskQueue(`${name}-orders`);
  const baristaQueue = uniqueTaskQueue(`${name}-barista`);
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: ORDER_WORKFLOWS_PATH,
    logger: quietBundler,
  });
  const workers: Worker[] = [
    await createOrdersWorker({
      connection,
      taskQueue: ordersQueue,
      appendToStream: store.append,
      // As the real worker: the saga appends after others' facts (the notifier's, an erasure).
      readStream: (streamId) => store.readStream(streamId),
      paymentGateway: createPaymentSimulator(FAST_GATEWAY),
      ...vaultPorts(createVault(db.pool, TEST_VAULT_KEYS)),
      dataConverter: testDataConverter,
      workflowBundle,
    }),
    await createBaristaWorker({
      connection,
      taskQueue: baristaQueue,
      coffeeMachine: createCoffeeMachineSimulator(FAST_MACHINE),
      dataConverter: testDataConverter,
    }),
  ];
  const running = workers.map((worker) => worker.run());
  const projector = await startProjector({ pool: db.pool, pollIntervalMs: 200 });

  mkdirSync('test-output', { recursive: true });
  const logFile = `test-output/e2e-${name}-api.log`;
  const sink = createWriteStream(logFile);
  const logger = createLogger('info', sink);
  const apis: RunningApi[] = [];
  const auth = await authConfig();
  const tokens = await staffTokens();
  const startAnotherApi: ShopSystem['startAnotherApi'] = async (options) => {
    const api = await startApi({
      config: apiConfig({
        port: 0,
        databaseUrl: db.url,
        temporalAddress,
        taskQueue: ordersQueue,
        temporalUiUrl: 'http://127.0.0.1:8233',
        ssePollMs: 500,
        sseHeartbeatMs: 1_000,
        // Only the tests about limits meet them.
        rateLimits: { windowMs: 60_000, orders: 100_000, commands: 100_000, authFailures: 100_000 },
        sseMaxStreamsPerClient: 1_000,
        ...auth,
        vaultKeys: TEST_VAULT_KEYS,
        codecKeys: TEST_CODEC_KEYS,
        ...options.config,
      }),
      logger,
      baristaTaskQueue: baristaQueue,
      ...(options.pickupWindowSeconds ? { pickupWindowSeconds: options.pickupWindowSeconds } : {}),
    });
    apis.push(api);
    return api;
  };
  const api = await startAnotherApi({});

  return {
    url: api.url,
    db,
    api,
    logFile,
    tokens,
    staff: bearer(tokens.manager),
    startAnotherApi,
    logs: () => readFileSync(logFile, 'utf8'),
    async stop() {
      for (const each of apis) await each.stop();
      await projector.stop();
      for (const worker of workers) worker.shutdown();
      await Promise.allSettled(running);
      await connection.close();
      await store.close();
      await new Promise<void>((resolve) => sink.end(resolve));
      await db.drop();
    },
  };
}
