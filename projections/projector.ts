import pg from 'pg';
import { createLogWatcher, migrateEventStore } from '../eventstore';
import { type Logger, silentLogger } from './logger';
import { migrateProjections } from './migrate';
import { READ_MODELS } from './readModels';
import { type ProjectionRunner, type RunProjectionOptions, runProjection } from './runProjection';
import type { Projection } from './types';

export interface ProjectorOptions {
  /** Reads the log and carries the LISTEN connection; each projection also opens one dedicated connection with its config. */
  pool: pg.Pool;
  /** Default: the live projection of every read model. */
  projections?: readonly Projection[];
  logger?: Logger;
  batchSize?: number;
  lockRetryMs?: number;
  /** Fallback polling of the log when no notification comes (default 500 ms). */
  pollIntervalMs?: number;
  beforeCommit?: RunProjectionOptions['beforeCommit'];
  /** Apply the event store's and the projections' migrations first (default true; both are idempotent). */
  migrate?: boolean;
}

export interface Projector {
  readonly runners: readonly ProjectionRunner[];
  /** Stops every projection after its batch in hand and releases their locks. */
  stop(): Promise<void>;
}

/** Runs each projection independently (its own lock, connection and checkpoint): one failing never stops the others. */
export async function startProjector(options: ProjectorOptions): Promise<Projector> {
  const { pool, logger = silentLogger, pollIntervalMs = 500 } = options;
  if (options.migrate ?? true) {
    await migrateEventStore(pool);
    await migrateProjections(pool);
  }
  const projections = options.projections ?? READ_MODELS.map((model) => model.projection());
  const onPoolError = (error: Error) => logger.warn({ err: error }, 'idle pooled connection lost');
  pool.on('error', onPoolError);
  const watcher = createLogWatcher(pool, {
    pollIntervalMs,
    onError: (error) => logger.warn({ err: error }, 'log watcher: connection trouble, recovering'),
  });
  const runners = projections.map((projection) =>
    runProjection({
      projection,
      logger,
      onWake: (listener) => watcher.onWake(listener),
      connect: async () => {
        const client = new pg.Client({
          ...pool.options,
          application_name: `projector:${projection.name}:${process.pid}`,
        });
        await client.connect();
        return client;
      },
      batchSize: options.batchSize,
      lockRetryMs: options.lockRetryMs,
      idleReadMs: pollIntervalMs * 2,
      beforeCommit: options.beforeCommit,
    }),
  );
  return {
    runners,
    async stop() {
      await Promise.all(runners.map((runner) => runner.stop()));
      await watcher.close();
      pool.off('error', onPoolError);
    },
  };
}
