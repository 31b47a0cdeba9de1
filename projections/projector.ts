import type pg from 'pg';
import { createLogWatcher, type LoggedEvent, migrateEventStore } from '../eventstore';
import {
  type ConsumerRunner,
  type ConsumerState,
  dedicatedConnection,
  type LeaseTiming,
  type Logger,
  projectorMode,
  runConsumer,
  silentLogger,
} from '../eventstore/consumers';
import { projectionCheckpoints } from './checkpoints';
import { migrateProjections } from './migrate';
import { READ_MODELS } from './readModels';
import type { Projection } from './types';

export type ProjectionRunner = ConsumerRunner;
export type ProjectionState = ConsumerState;

export interface ProjectorOptions {
  /** Reads the log and carries the LISTEN connection; each projection also opens one dedicated connection with its config. */
  pool: pg.Pool;
  /** Default: the live projection of every read model. */
  projections?: readonly Projection[];
  logger?: Logger;
  batchSize?: number;
  lockRetryMs?: number;
  /** Heartbeat and eviction of a silent holder (DEFAULT_LEASE_TIMING). */
  lease?: Partial<LeaseTiming>;
  /** Fallback polling of the log when no notification comes (default 500 ms). */
  pollIntervalMs?: number;
  /** Test hook: runs after the handler, before the checkpoint is saved and the batch commits. */
  beforeCommit?: (tx: pg.ClientBase, events: readonly LoggedEvent[]) => Promise<void>;
  /** Apply the event store's and the projections' migrations first (default true; both are idempotent). */
  migrate?: boolean;
}

export interface Projector {
  readonly runners: readonly ProjectionRunner[];
  /** Stops every projection after its batch in hand and releases their locks. */
  stop(): Promise<void>;
}

/** Runs each projection as a consumer in projector mode (its own lock, connection and checkpoint): one failing never stops the others. */
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
  const runners = projections.map((projection) => {
    const handles = new Set<string>(projection.handles);
    return runConsumer({
      name: projection.name,
      mode: projectorMode({
        checkpoints: projectionCheckpoints,
        accepts: (event) => handles.has(event.type),
        apply: (tx, events) => projection.apply(tx, events),
        logger,
        beforeCommit: options.beforeCommit,
      }),
      connect: dedicatedConnection(pool, `projector:${projection.name}:${process.pid}`),
      watcher,
      logger,
      batchSize: options.batchSize ?? 1000,
      lockRetryMs: options.lockRetryMs,
      ...(options.lease ? { lease: options.lease } : {}),
    });
  });
  return {
    runners,
    async stop() {
      await Promise.all(runners.map((runner) => runner.stop()));
      await watcher.close();
      pool.off('error', onPoolError);
    },
  };
}
