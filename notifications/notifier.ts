// The notifier process's composition: tells customers their drink is ready (or abandoned, or
// refunded) from the log, through a flaky provider. One active instance across processes; standbys wait.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { type Logger, pino } from 'pino';
import type { NotifierConfig } from '../config/notifier';
import { createEventStore, migrateEventStore } from '../eventstore';
import { createPool } from '../postgres';
import { type ProviderSimulator, startProviderSimulator } from '../simulators/notificationProvider';
import { sweepEvery } from '../vault';
import { vaultNames } from './customerNames';
import { pruneReplayedDeadLetters } from './deadLetters';
import { createHttpProvider } from './httpProvider';
import { type NotificationMetrics, notificationMetrics } from './metrics';
import { migrateNotifications } from './migrate';
import { type NotificationReactor, startNotificationReactor } from './reactor';

export interface NotifierDeps {
  /** Use this pool instead of one from `databaseUrl` (it is then not ended by `stop`). */
  pool?: pg.Pool;
  metrics?: NotificationMetrics;
  log?: Logger;
}

export interface RunningNotifier {
  providerUrl: string;
  metricsUrl: string;
  reactor: NotificationReactor;
  /** The in-process provider simulator, when no NOTIFICATION_PROVIDER_URL was given. */
  simulator: ProviderSimulator | undefined;
  stop(): Promise<void>;
}

/** Migrates, starts the provider simulator if needed, the reactor, and GET /metrics. */
export async function startNotifier(
  config: NotifierConfig,
  deps: NotifierDeps = {},
): Promise<RunningNotifier> {
  const log =
    deps.log ?? pino({ level: config.logLevel, base: { process: 'notifier', instance: config.instanceId } });
  const metrics = deps.metrics ?? notificationMetrics;
  const pool = deps.pool ?? createPool(config.databaseUrl, 'notifier');
  const stops: Array<() => Promise<void>> = [];
  if (!deps.pool) {
    // An idle connection dropped by Postgres must not crash the process: the reactor reconnects.
    pool.on('error', (error) => log.warn({ err: error }, 'idle database connection lost'));
    stops.unshift(() => pool.end());
  }
  try {
    await migrateEventStore(pool);
    await migrateNotifications(pool);
    let simulator: ProviderSimulator | undefined;
    let providerUrl = config.providerUrl;
    if (!providerUrl) {
      simulator = await startProviderSimulator({ port: config.simulatorPort });
      stops.unshift(() => simulator!.close());
      providerUrl = simulator.url;
      log.info({ providerUrl }, 'no NOTIFICATION_PROVIDER_URL: provider simulator started in-process');
    }
    const store = createEventStore(pool, {
      onError: (error) => log.warn({ err: error }, 'event store trouble'),
    });
    stops.unshift(() => store.close());
    const metricsServer = await serveMetrics(metrics, config.metricsHost, config.metricsPort);
    stops.unshift(() => closeServer(metricsServer));
    if (!config.vaultKeys) log.warn('VAULT_MASTER_KEYS unset: only names written in the log can be read');
    const names = config.vaultKeys ? await vaultNames(pool, config.vaultKeys) : undefined;
    const retention = sweepEvery(
      config.pruneIntervalMs,
      () => pruneReplayedDeadLetters(pool, config.deadLetterRetentionMs),
      (error) => log.warn({ err: error }, 'dead letter retention sweep failed'),
    );
    stops.unshift(() => retention.stop());
    const reactor = startNotificationReactor({
      pool,
      store,
      ...(names ? { names } : {}),
      provider: createHttpProvider({
        baseUrl: providerUrl,
        timeoutMs: config.requestTimeoutMs,
        instanceId: config.instanceId,
      }),
      policy: config.policy,
      metrics,
      log,
      instanceId: config.instanceId,
      batchSize: config.batchSize,
      standbyPollMs: config.standbyPollMs,
      lease: config.lease,
      crashAfterSend: config.crashAfterSend,
    });
    stops.unshift(() => reactor.stop());
    const metricsUrl = `http://${config.metricsHost === '0.0.0.0' ? '127.0.0.1' : config.metricsHost}:${(metricsServer.address() as AddressInfo).port}/metrics`;
    log.info({ providerUrl, metricsUrl }, 'notifier started');
    return {
      providerUrl,
      metricsUrl,
      reactor,
      simulator,
      async stop() {
        for (const stop of stops.splice(0))
          await stop().catch((error) => log.error({ err: error }, 'stop failed'));
      },
    };
  } catch (error) {
    for (const stop of stops) await stop().catch(() => {});
    throw error;
  }
}

async function serveMetrics(metrics: NotificationMetrics, host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ready());
  });
  return server;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });
}
