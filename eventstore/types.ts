/**
 * The event store's public contract. It stores any stream: it knows no coffee.
 * Positions are global and only grow; stream versions start at 1 and are contiguous.
 */
export type ExpectedVersion =
  /** the stream must not exist yet */
  | 'no_stream'
  /** no check */
  | 'any'
  /** the stream's current version must be exactly this (0 = no events yet) */
  | number;

export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  workflowId?: string;
  runId?: string;
  activityAttempt?: number;
  [key: string]: unknown;
}

export interface NewEvent {
  /** A UUID chosen by the caller, deterministic per (workflow, step), so retries append nothing twice. */
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata?: EventMetadata;
}

export interface RecordedEvent {
  position: number;
  streamId: string;
  streamVersion: number;
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  recordedAt: Date;
}

export interface AppendResult {
  /** Global positions of the appended events, in order (the originals when the append was a retry). */
  positions: number[];
  /** The stream's version after the append. */
  nextVersion: number;
}

/**
 * Where a consumer of the whole log stands. A bigserial position alone is not gap-safe
 * (position 41 may commit after 42), so the log is read in (writing transaction id,
 * position) order, below the oldest transaction still running, and a checkpoint is both.
 */
export interface LogCheckpoint {
  /** The writing transaction's id (`xid8`, as a decimal string). */
  transactionId: string;
  position: number;
}

export const LOG_START: LogCheckpoint = { transactionId: '0', position: 0 };

export interface LoggedEvent extends RecordedEvent {
  transactionId: string;
}
