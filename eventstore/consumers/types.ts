import type pg from 'pg';
import type { LogCheckpoint, LoggedEvent } from '../types';

/** Where a consumer stands, as its checkpoint table keeps it. */
export interface ConsumerPosition {
  checkpoint: LogCheckpoint;
  /** Halted at a poison event until someone resets it (only a projector halts). */
  failed: boolean;
}

/** A consumer's checkpoint table; each consumer keeps its own, so one's backlog is not another's lag. */
export interface CheckpointStore {
  /** The stored position (the log's start when it never ran); `forUpdate` locks it for the transaction. */
  read(db: pg.ClientBase, name: string, options?: { forUpdate?: boolean }): Promise<ConsumerPosition>;
  save(db: pg.ClientBase, name: string, checkpoint: LogCheckpoint): Promise<void>;
}

/** One page of the log in the hands of the consumer that holds the lock. */
export interface Batch {
  name: string;
  /** The lock's own connection: a deposed holder cannot write a checkpoint through it. */
  client: pg.ClientBase;
  /** Aborted on stop or when the lock's connection is lost: stop acting at once. */
  signal: AbortSignal;
  /** Where the batch starts, as last read or written. */
  at: ConsumerPosition;
  /** The whole page, in log order, relevant or not: the checkpoint moves past all of it. */
  events: readonly LoggedEvent[];
}

/** How a page becomes effects plus a checkpoint: the projector's way or the reactor's. */
export interface ConsumerMode {
  readonly checkpoints: CheckpointStore;
  /** Resolves once the checkpoint stands after the page; throws `ResumeFromCheckpoint` to re-read it. */
  process(batch: Batch): Promise<void>;
}

/** The stored position changed under the batch (a rebuild, a halt): carry on from the stored one. */
export class ResumeFromCheckpoint extends Error {
  override readonly name = 'ResumeFromCheckpoint';
}
