import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import type { ApiConfig } from '../config/api';
import { temporalClientInterceptors } from '../telemetry/hooks';
import { migrateApi, postgresIdempotencyStore } from './adapters/idempotencyStore';
import { cacheOrderReads } from './adapters/orderCache';
import { listenForOrderChanges } from './adapters/orderChanges';
import { postgresOrderQueries, projectionLag } from './adapters/postgresQueries';
import { temporalOrderCommands } from './adapters/temporalCommands';
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
}

/** Wires the real adapters (Postgres, Temporal) into the app and listens. */
export async function startApi({ config, ...options }: StartApiOptions): Promise<RunningApi> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 20, application_name: 'api' });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle Postgres connection lost'));
  // Postgres may come up after us (compose): keep trying in the background; /readyz says 503 meanwhile.
  let stopped = false;
  let migrated = await migrateApi(pool).then(
    () => true,
    (error: unknown) => {
      logger.warn({ err: error }, 'cannot migrate the API tables yet; retrying in the background');
      return false;
    },
  );
  if (!migrated)
    void migrateWhenReachable(pool, logger, () => stopped).then(() => {
      migrated = true;
    });
  // Lazy: the API starts (and /readyz says 503) while Temporal is still coming up.
  const connection = Connection.lazy({ address: config.temporalAddress });
  const interceptors = temporalClientInterceptors();
  const client = new Client({
    connection,
    namespace: config.temporalNamespace,
    ...(interceptors ? { interceptors } : {}),
  });
  const changes = listenForOrderChanges(config.databaseUrl, logger);
  const queries = cacheOrderReads(postgresOrderQueries(pool), changes, { isLive: changes.isLive });
  const pickupWindowSeconds = options.pickupWindowSeconds ?? config.pickupWindowSeconds;
  const commands = temporalOrderCommands({
    client,
    ...(pickupWindowSeconds ? { pickupWindowSeconds } : {}),
    taskQueue: config.taskQueue,
    logger,
    ...(options.baristaTaskQueue ? { baristaTaskQueue: options.baristaTaskQueue } : {}),
  });
  const ports: ApiPorts = {
    commands,
    queries,
    changes,
    idempotency: postgresIdempotencyStore(pool, () => migrated),
    health: {
      postgres: async () => {
        await pool.query('SELECT 1');
        if (!migrated) throw new Error('the API tables are not migrated yet');
      },
      temporal: async () => {
        await connection.workflowService.getSystemInfo({});
      },
      projectionLag: () => projectionLag(pool),
    },
  };
  const api = createApp({ config, ports, logger });
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
      const closed = closeServer(server);
      api.closeStreams();
      server.closeIdleConnections();
      // Requests in flight finish (bounded) before their adapters go away under them.
      await api.drained(config.shutdownGraceMs);
      server.closeAllConnections();
      await closed;
      await commands.drain(config.shutdownGraceMs);
      queries.close();
      await changes.close();
      await connection.close().catch(() => {});
      await pool.end();
      logger.info('api stopped');
    })();
    return stopping;
  };
  return { url, api, stop };
}

async function migrateWhenReachable(pool: pg.Pool, logger: Logger, stopped: () => boolean): Promise<void> {
  for (let delayMs = 250; ; delayMs = Math.min(delayMs * 2, 5_000)) {
    try {
      await migrateApi(pool);
      return;
    } catch (error) {
      if (stopped()) return;
      logger.warn({ err: error }, 'cannot migrate the API tables yet; retrying');
      await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
    }
  }
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
