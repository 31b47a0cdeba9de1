import type { ExpectedVersion } from './types';

/** Base of every error the event store raises on purpose; anything else is an infrastructure failure. */
export class EventStoreError extends Error {
  override readonly name: string = 'EventStoreError';
}

/**
 * The stream was not at the version the writer decided on: re-read, re-decide, retry.
 * `actual` is NaN when unknown (a race lost inside the caller's own transaction).
 */
export class ConcurrencyError extends EventStoreError {
  override readonly name = 'ConcurrencyError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(
      Number.isNaN(actual)
        ? `stream ${streamId} was appended to concurrently, expected ${describeExpected(expected)}`
        : `stream ${streamId} is at version ${actual}, expected ${describeExpected(expected)}`,
    );
  }
}

/**
 * An event id was reused for a different event. Ids are deterministic per workflow step, so
 * this is a bug (or a partial retry), never something to resolve silently.
 */
export class EventIdConflictError extends EventStoreError {
  override readonly name = 'EventIdConflictError';
  constructor(
    readonly streamId: string,
    readonly eventIds: string[],
    readonly reason: 'different_payload' | 'partial_retry',
  ) {
    super(
      reason === 'different_payload'
        ? `event id(s) ${eventIds.join(', ')} already recorded with another stream, type or data`
        : `only some event ids of this append are already recorded (${eventIds.join(', ')}): a retry must repeat the whole append`,
    );
  }
}

export interface ValidationIssue {
  /** A path such as `streamId` or `events[2].data`. */
  field: string;
  message: string;
}

/** The input was refused before touching the database. */
export class EventStoreValidationError extends EventStoreError {
  override readonly name = 'EventStoreValidationError';
  constructor(readonly issues: ValidationIssue[]) {
    super(`invalid append: ${issues.map((issue) => `${issue.field} ${issue.message}`).join('; ')}`);
  }
}

function describeExpected(expected: ExpectedVersion): string {
  return expected === 'no_stream' ? 'no stream' : String(expected);
}
