import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { LogWatcher } from '../logWatcher';
import { checkpointAfter, hasHeldBackEvents, readAll } from '../readAll';
import { subscribeToLog } from '../subscribe';
import type { LogCheckpoint, LoggedEvent } from '../types';
import { type Lease, type LeaseTiming, takeLease } from './lease';
import { isTransient, type Logger, silentLogger } from './logger';
import { type ConsumerMode, type ConsumerPosition, ResumeFromCheckpoint } from './types';

export type ConsumerState = 'connecting' | 'standby' | 'active' | 'failed' | 'reconnecting' | 'stopped';

export interface ConsumerOptions {
  /** The lock's and the checkpoint row's name. */
  name: string;
  mode: ConsumerMode;
  /** A new dedicated connection (see `dedicatedConnection`): it holds the lock, reads the log, writes the checkpoint. */
  connect: () => Promise<pg.Client>;
  /** Wake-ups when the log grows. */
  watcher: LogWatcher;
  logger?: Logger;
  batchSize?: number;
  /** How often a standby tries the lock, and a halted consumer looks for a reset. */
  lockRetryMs?: number;
  /** Heartbeat, its deadline, and when a standby evicts a silent holder (DEFAULT_LEASE_TIMING). */
  lease?: Partial<LeaseTiming>;
  onStateChange?: (state: ConsumerState) => void;
}

export interface ConsumerRunner {
  readonly name: string;
  readonly state: ConsumerState;
  readonly checkpoint: LogCheckpoint | undefined;
  /** Stops after the batch in hand and releases the lock. */
  stop(): Promise<void>;
}

/**
 * Follows the log for one consumer for as long as it is not stopped: takes its lock (or stands
 * by), catches up from its checkpoint, then follows live on the watcher's wake-ups. Connection
 * trouble means a new connection and a resume from the stored checkpoint; how a page becomes
 * effects and a checkpoint is the mode's business (projector or reactor).
 */
export function runConsumer(options: ConsumerOptions): ConsumerRunner {
  const { name, mode, logger = silentLogger, batchSize = 100, lockRetryMs = 1000 } = options;
  const stopping = new AbortController();
  let state: ConsumerState = 'connecting';
  let position: ConsumerPosition | undefined;
  const setState = (next: ConsumerState) => {
    if (state === next) return;
    state = next;
    options.onStateChange?.(next);
  };
  const pause = (ms: number, signal: AbortSignal) => sleep(ms, undefined, { signal }).catch(() => {});

  /** One subscription from `position`; returns when the stored position must be re-read. */
  async function followFrom(lease: Lease, signal: AbortSignal): Promise<void> {
    const { client } = lease;
    const subscription = subscribeToLog(
      {
        readPage: (after, limit) => readAll(client, { after, limit }),
        hasHeldBack: (after) => hasHeldBackEvents(client, after),
      },
      options.watcher,
      {
        after: position!.checkpoint,
        batchSize,
        handle: async (events: LoggedEvent[]) => {
          await mode.process({ name, client, signal, at: position!, events });
          position = { checkpoint: checkpointAfter(events[events.length - 1]!), failed: false };
        },
        onError: (error, { willRetry }) => {
          if (willRetry && isTransient(error)) lease.lose(error);
        },
      },
    );
    const aborted = new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    const end = await Promise.race([subscription.done, aborted.then(() => undefined)]);
    await subscription.stop();
    signal.throwIfAborted();
    if (end?.reason === 'failed' && !(end.error instanceof ResumeFromCheckpoint)) throw end.error;
  }

  async function follow(lease: Lease): Promise<void> {
    const signal = AbortSignal.any([stopping.signal, lease.lost]);
    while (!signal.aborted) {
      position = await mode.checkpoints.read(lease.client, name);
      if (position.failed) {
        setState('failed');
        await pause(lockRetryMs, signal);
        continue;
      }
      if (state !== 'active') logger.info({ consumer: name, after: position.checkpoint }, `${name} active`);
      setState('active');
      await followFrom(lease, signal);
    }
    lease.lost.throwIfAborted();
  }

  async function run(): Promise<void> {
    let backoffMs = 100;
    while (!stopping.signal.aborted) {
      let lease: Lease | undefined;
      try {
        lease = await takeLease({
          connect: options.connect,
          name,
          retryMs: lockRetryMs,
          stopping: stopping.signal,
          onStandby: () => setState('standby'),
          onEvicted: (pid) =>
            logger.warn({ consumer: name, pid }, `${name}: evicted a holder that stopped answering`),
          ...(options.lease ? { timing: options.lease } : {}),
        });
        if (!lease) break;
        backoffMs = 100;
        await follow(lease);
      } catch (error) {
        if (stopping.signal.aborted) break;
        setState('reconnecting');
        logger.warn({ consumer: name, err: error }, `${name} reconnecting in ${backoffMs} ms`);
        await pause(backoffMs, stopping.signal);
        backoffMs = Math.min(backoffMs * 2, 2000);
      } finally {
        await lease?.release();
      }
    }
    setState('stopped');
  }

  const running = run();
  return {
    name,
    get state() {
      return state;
    },
    get checkpoint() {
      return position?.checkpoint;
    },
    async stop() {
      stopping.abort(new Error(`${name} stopping`));
      await running;
    },
  };
}
