import type pg from 'pg';
import {
  checkpointAfter,
  compareCheckpoints,
  type LogCheckpoint,
  type LoggedEvent,
  readAll,
} from '../eventstore';
import { tryConsumerLock } from './advisoryLock';
import { type CheckpointRow, markFailed, readCheckpoint, saveCheckpoint } from './checkpoints';
import { errorText, isTransient, type Logger } from './logger';
import type { Projection } from './types';

export type ProjectionState = 'connecting' | 'standby' | 'active' | 'failed' | 'reconnecting' | 'stopped';

export interface RunProjectionOptions {
  projection: Projection;
  /** A new dedicated connection: it holds the lock, reads the log and runs the batches. */
  connect: () => Promise<pg.Client>;
  /** Wake-ups when the log grows (the store's LogWatcher). */
  onWake: (listener: () => void) => () => void;
  logger: Logger;
  batchSize?: number;
  /** How often a standby tries the lock. */
  lockRetryMs?: number;
  /** Re-read at least this often when caught up, even without a wake-up. */
  idleReadMs?: number;
  /** Test hook: runs after the handler, before the checkpoint is saved and the batch commits. */
  beforeCommit?: (tx: pg.ClientBase, events: readonly LoggedEvent[]) => Promise<void>;
}

export interface ProjectionRunner {
  readonly name: string;
  readonly state: ProjectionState;
  readonly checkpoint: LogCheckpoint | undefined;
  stop(): Promise<void>;
}

/** The checkpoint row moved under us (a rebuild swapped tables in): resume from the row. */
class CheckpointMoved extends Error {}

/**
 * Runs one projection for as long as it is not stopped: takes its lock (or waits as a standby),
 * catches up from its checkpoint, then follows the log live. Each batch is one transaction:
 * fence on the checkpoint row, handle, save the checkpoint, commit. Connection trouble means a
 * new connection and a resume from the stored checkpoint; a handler error stops the projection
 * at that event, recorded in its row, until someone resets it.
 */
export function runProjection(options: RunProjectionOptions): ProjectionRunner {
  const { projection, connect, logger, batchSize = 1000, lockRetryMs = 1000, idleReadMs = 1000 } = options;
  const { name } = projection;
  const handles = new Set<string>(projection.handles);
  let state: ProjectionState = 'connecting';
  let row: CheckpointRow | undefined;
  let stopped = false;
  let woken = true;
  let interrupt: (() => void) | undefined;

  const pause = (ms: number, { wakeable }: { wakeable: boolean }) =>
    new Promise<void>((resolve) => {
      if (stopped || (wakeable && woken)) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        interrupt = undefined;
        resolve();
      }
      interrupt = () => (wakeable || stopped ? done() : undefined);
    });
  const unsubscribe = options.onWake(() => {
    woken = true;
    interrupt?.();
  });

  async function applyBatch(
    client: pg.Client,
    at: CheckpointRow,
    events: LoggedEvent[],
  ): Promise<CheckpointRow> {
    const relevant = events.filter((event) => handles.has(event.type));
    const end = checkpointAfter(events[events.length - 1]!);
    try {
      await client.query('BEGIN');
      const current = await readCheckpoint(client, name, { forUpdate: true });
      if (current.status !== at.status || !sameCheckpoint(current.checkpoint, at.checkpoint))
        throw new CheckpointMoved();
      if (relevant.length > 0) await projection.apply(client, relevant);
      await options.beforeCommit?.(client, relevant);
      await saveCheckpoint(client, name, end);
      await client.query('COMMIT');
      return { ...at, checkpoint: end };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      if (error instanceof CheckpointMoved) {
        logger.info(
          { projection: name },
          'checkpoint moved by another writer (a rebuild?): resuming from it',
        );
        return readCheckpoint(client, name);
      }
      if (isTransient(error)) throw error;
      if (events.length > 1) {
        // Find the one event at fault: everything before it still gets applied.
        let last = at;
        for (const event of events) {
          last = await applyBatch(client, last, [event]);
          // Stopped at the poison event, or the checkpoint moved under us: the rest is not ours to apply now.
          if (last.status === 'failed' || !sameCheckpoint(last.checkpoint, checkpointAfter(event))) break;
        }
        return last;
      }
      const poison = events[0]!;
      const message = errorText(error);
      await markFailed(client, name, checkpointAfter(poison), message);
      logger.error(
        {
          projection: name,
          position: poison.position,
          transactionId: poison.transactionId,
          type: poison.type,
          err: error,
        },
        `projection ${name} stopped at a poison event (position ${poison.position})`,
      );
      return readCheckpoint(client, name);
    }
  }

  async function follow(client: pg.Client): Promise<void> {
    row = await readCheckpoint(client, name);
    while (!stopped) {
      if (row.status === 'failed') {
        state = 'failed';
        await pause(lockRetryMs, { wakeable: false });
        row = await readCheckpoint(client, name);
        continue;
      }
      state = 'active';
      woken = false;
      const events = await readAll(client, { after: row.checkpoint, limit: batchSize });
      if (events.length === 0) await pause(idleReadMs, { wakeable: true });
      else row = await applyBatch(client, row, events);
    }
  }

  async function run(): Promise<void> {
    let backoffMs = 100;
    while (!stopped) {
      let client: pg.Client | undefined;
      try {
        state = state === 'reconnecting' ? state : 'connecting';
        client = await connect();
        client.on('error', (error) =>
          logger.warn({ projection: name, err: error }, 'projection connection lost'),
        );
        while (!stopped && !(await tryConsumerLock(client, name))) {
          state = 'standby';
          await pause(lockRetryMs, { wakeable: false });
        }
        if (stopped) break;
        logger.info({ projection: name }, `projection ${name} active`);
        backoffMs = 100;
        await follow(client);
      } catch (error) {
        if (stopped) break;
        state = 'reconnecting';
        logger.warn({ projection: name, err: error }, `projection ${name} reconnecting in ${backoffMs} ms`);
        await pause(backoffMs, { wakeable: false });
        backoffMs = Math.min(backoffMs * 2, 2000);
      } finally {
        // Ending the session releases the lock for a standby.
        if (client) await endQuietly(client);
      }
    }
    state = 'stopped';
  }

  const running = run();
  return {
    name,
    get state() {
      return state;
    },
    get checkpoint() {
      return row?.checkpoint;
    },
    async stop() {
      stopped = true;
      unsubscribe();
      interrupt?.();
      await running;
    },
  };
}

const sameCheckpoint = (a: LogCheckpoint, b: LogCheckpoint) => compareCheckpoints(a, b) === 0;

/** A broken connection's `end()` may never settle; the lock goes with the socket anyway. */
const endQuietly = (client: pg.Client) =>
  Promise.race([client.end().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
