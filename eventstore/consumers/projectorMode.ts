import type pg from 'pg';
import { checkpointAfter, compareCheckpoints } from '../readAll';
import type { LogCheckpoint, LoggedEvent } from '../types';
import { errorText, isTransient, type Logger, silentLogger } from './logger';
import {
  type CheckpointStore,
  type ConsumerMode,
  type ConsumerPosition,
  ResumeFromCheckpoint,
} from './types';

export interface ProjectorModeOptions {
  /** The projector's checkpoints, which can also halt it at a poison event. */
  checkpoints: CheckpointStore & {
    markFailed(db: pg.ClientBase, name: string, at: LogCheckpoint, error: string): Promise<void>;
  };
  /** Which events `apply` gets; the checkpoint moves past the others too. */
  accepts(event: LoggedEvent): boolean;
  /** Writes the rows, inside the transaction that also moves the checkpoint. */
  apply(tx: pg.ClientBase, events: readonly LoggedEvent[]): Promise<void>;
  logger?: Logger;
  /** Test hook: runs after `apply`, before the checkpoint is saved and the batch commits. */
  beforeCommit?: (tx: pg.ClientBase, events: readonly LoggedEvent[]) => Promise<void>;
}

/**
 * Rows and checkpoint in one transaction, fenced on the checkpoint row: exactly-once effect on
 * the read model under at-least-once delivery. A page that fails is applied event by event, so
 * everything before the event at fault commits; that event halts the projector, recorded in its
 * row, until someone resets it. Connection trouble is thrown for the runtime to reconnect.
 */
export function projectorMode(options: ProjectorModeOptions): ConsumerMode {
  const { checkpoints, accepts, apply, logger = silentLogger } = options;

  async function commit(
    tx: pg.ClientBase,
    name: string,
    at: ConsumerPosition,
    events: readonly LoggedEvent[],
  ) {
    const current = await checkpoints.read(tx, name, { forUpdate: true });
    if (current.failed !== at.failed || compareCheckpoints(current.checkpoint, at.checkpoint) !== 0) {
      logger.info({ projection: name }, 'checkpoint moved by another writer (a rebuild?): resuming from it');
      throw new ResumeFromCheckpoint();
    }
    const relevant = events.filter(accepts);
    if (relevant.length > 0) await apply(tx, relevant);
    await options.beforeCommit?.(tx, relevant);
    await checkpoints.save(tx, name, checkpointAfter(events[events.length - 1]!));
  }

  async function applyPage(
    tx: pg.ClientBase,
    name: string,
    at: ConsumerPosition,
    events: readonly LoggedEvent[],
  ) {
    try {
      await tx.query('BEGIN');
      await commit(tx, name, at, events);
      await tx.query('COMMIT');
    } catch (error) {
      await tx.query('ROLLBACK').catch(() => {});
      if (error instanceof ResumeFromCheckpoint || isTransient(error)) throw error;
      if (events.length > 1) {
        // Find the one event at fault: everything before it still gets applied.
        let cursor = at;
        for (const event of events) {
          await applyPage(tx, name, cursor, [event]);
          cursor = { checkpoint: checkpointAfter(event), failed: false };
        }
        return;
      }
      const poison = events[0]!;
      await checkpoints.markFailed(tx, name, checkpointAfter(poison), errorText(error));
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
      throw new ResumeFromCheckpoint();
    }
  }

  return {
    checkpoints,
    process: ({ client, name, at, events }) => applyPage(client, name, at, events),
  };
}
