import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type pg from 'pg';
import { EncryptionCodec, encryptedDataConverter } from '../codec';
import type { ApiConfig } from '../config/api';
import { required } from '../config/keys';
import { createEventStore } from '../eventstore';
import { createPool } from '../postgres';
import { temporalClientInterceptors } from '../telemetry/hooks';
import { createVault, migrateVault } from '../vault';
import { migrateApi, postgresIdempotencyStore, pruneKeysPeriodically } from './adapters/idempotencyStore';
import { cacheOrderReads } from './adapters/orderCache';
import { listenForOrderChanges, notifyOrderChanged } from './adapters/orderChanges';
import { cacheOrderTokens, postgresOrderTokens } from './adapters/orderTokens';
import { withPlacementDeadline } from './adapters/placementDeadline';
import { postgresOrderQueries, projectionLag } from './adapters/postgresQueries';
import { temporalOrderCommands } from './adapters/temporalCommands';
import { closableRetries } from './adapters/temporalRetries';
import { apiVault } from './adapters/vault';
import { type ApiApp, createApp } from './app';
import { createLogger, type Logger } from './logger';
import type { ApiPorts } from './ports';

export interface RunningApi {
  url: string;
  api: ApiApp;
  /** Graceful: stop accepting, end SSE streams, let requests in flight finish (bounded), close adapters. */
  stop(): Promise<void>;
}

export interface StartApiOptions {
  config: ApiConfig;
  logger?: Logger;
  /** Where the saga's brew runs, when tests isolate their barista workers. */
  baristaTaskQueue?: string;
  pickupWindowSeconds?: number;
  /** The shop's clock (tests move it to another day); the system's by default. */
  clock?: () => Date;
}

/** A dependency probed while an order waits must answer within this. */
const PROBE_TIMEOUT_MS = 2_000;

/** Wires the real adapters (Postgres, Temporal) into the app and listens. */
export async function startApi({ config, ...options }: StartApiOptions): Promise<RunningApi> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const vaultKeys = required(config.vaultKeys, 'VAULT_MASTER_KEYS');
  const codecKeys = required(config.codecKeys, 'TEMPORAL_CODEC_KEYS');
  const pool = createPool(config.databaseUrl, 'api', config.postgres);
  pool.on('error', (error) => logger.warn({ err: error }, 'idle Postgres connection lost'));
  // Postgres may come up after us (compose): keep trying in the background; /readyz says 503 meanwhile.
  let stopped = false;
  const migrateAll = async (db: pg.Pool) => {
    await migrateApi(db);
    await migrateVault(db);
  };
  let migrated = await migrateAll(pool).then(
    () => true,
    (error: unknown) => {
      logger.warn({ err: error }, 'cannot migrate the API tables yet; retrying in the background');
      return false;
    },
  );
  if (!migrated)
    void migrateWhenReachable(pool, logger, () => stopped, migrateAll).then(() => {
      migrated = true;
    });
  // Lazy: the API starts (and /readyz says 503) while Temporal is still coming up.
  const { keepAliveMs, keepAliveTimeoutMs, connectTimeoutMs } = config.temporalConnection;
  const retries = closableRetries();
  const connection = Connection.lazy({
    address: config.temporalAddress,
    interceptors: [retries.interceptor],
    connectTimeout: connectTimeoutMs,
    // A silent channel (a partition, a killed server) is noticed in keepalive + timeout, not minutes.
    channelArgs: {
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.keepalive_time_ms': keepAliveMs,
      'grpc.keepalive_timeout_ms': keepAliveTimeoutMs,
    },
  });
  const interceptors = temporalClientInterceptors();
  const client = new Client({
    connection,
    namespace: config.temporalNamespace,
    dataConverter: encryptedDataConverter(codecKeys),
    ...(interceptors ? { interceptors } : {}),
  });
  const changes = listenForOrderChanges(config.databaseUrl, logger);
  const store = createEventStore(pool);
  // An erasure drops this process's cached reads at once, and every other's by NOTIFY before it answers.
  const vault = apiVault(createVault(pool, vaultKeys), store, async (orderId) => {
    changes.announce({ orderId });
    await notifyOrderChanged(pool, orderId);
  });
  const queries = cacheOrderReads(
    postgresOrderQueries(pool, vault, {
      timeZone: config.shopTimeZone,
      ...(options.clock ? { now: options.clock } : {}),
    }),
    changes,
    { isLive: changes.isLive },
  );
  const orderTokens = cacheOrderTokens(postgresOrderTokens(pool), changes);
  const pickupWindowSeconds = options.pickupWindowSeconds ?? config.pickupWindowSeconds;
  const postgresAnswers = async () => {
    await pool.query('SELECT 1');
  };
  const temporalCommands = temporalOrderCommands({
    client,
    taskQueue: config.taskQueue,
    maxRemakes: config.maxRemakes,
    ...(config.paymentGiveUpSeconds ? { paymentGiveUpSeconds: config.paymentGiveUpSeconds } : {}),
    logger,
    ...(options.baristaTaskQueue ? { baristaTaskQueue: options.baristaTaskQueue } : {}),
  });
  const commands = withPlacementDeadline(temporalCommands, {
    timeoutMs: config.placeOrderTimeoutMs,
    probeEveryMs: config.placeOrderProbeMs,
    placedInLog: async (orderId) => {
      const { rows } = await pool.query<{ position: string }>(
        "SELECT position FROM events WHERE stream_id = $1 AND type = 'OrderPlaced'",
        [`order-${orderId}`],
      );
      return rows[0] ? { orderId, status: 'PLACED', position: Number(rows[0].position) } : null;
    },
    probes: {
      Postgres: postgresAnswers,
      Temporal: () =>
        connection.withDeadline(Date.now() + PROBE_TIMEOUT_MS, async () => {
          await connection.workflowService.getSystemInfo({});
        }),
    },
  });
  const idempotency = postgresIdempotencyStore(pool, () => migrated);
  const ports: ApiPorts = {
    commands,
    queries,
    changes,
    idempotency,
    orderTokens,
    vault,
    codec: new EncryptionCodec(codecKeys),
    health: {
      postgres: async () => {
        await postgresAnswers();
        if (!migrated) throw new Error('the API tables are not migrated yet');
      },
      temporal: async () => {
        await connection.workflowService.getSystemInfo({});
      },
      projectionLag: () => projectionLag(pool),
    },
  };
  const api = createApp({
    config: { ...config, ...(pickupWindowSeconds ? { pickupWindowSeconds } : {}) },
    ports,
    logger,
  });
  const stopPruning = pruneKeysPeriodically(
    idempotency,
    { retentionHours: config.idempotency.retentionHours, everyMs: config.idempotency.pruneEveryMs },
    logger,
  );
  const server = api.app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;
  logger.info({ url }, 'api listening');

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info('api stopping');
      stopped = true;
      stopPruning();
      const closed = closeServer(server);
      api.closeStreams();
      server.closeIdleConnections();
      // Requests in flight finish (bounded) before their adapters go away under them.
      await api.drained(config.shutdownGraceMs);
      server.closeAllConnections();
      await closed;
      await commands.drain(config.shutdownGraceMs);
      queries.close();
      orderTokens.close();
      await changes.close();
      await store.close();
      await retries.closing();
      await connection.close().catch(() => {});
      await pool.end();
      logger.info('api stopped');
    })();
    return stopping;
  };
  return { url, api, stop };
}

async function migrateWhenReachable(
  pool: pg.Pool,
  logger: Logger,
  stopped: () => boolean,
  migrate: (pool: pg.Pool) => Promise<void>,
): Promise<void> {
  for (let delayMs = 250; ; delayMs = Math.min(delayMs * 2, 5_000)) {
    try {
      await migrate(pool);
      return;
    } catch (error) {
      if (stopped()) return;
      logger.warn({ err: error }, 'cannot migrate the API tables yet; retrying');
      await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
    }
  }
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
