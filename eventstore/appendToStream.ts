import type pg from 'pg';
import { appendMany } from './appendMany';
import { appendOne } from './appendOne';
import { ConcurrencyError } from './errors';
import type { AppendResult, ExpectedVersion, NewEvent } from './types';
import { validateAppend } from './validateAppend';

export interface AppendOutcome extends AppendResult {
  /** false when the append was a recognised retry and nothing new was written */
  appended: boolean;
}

// A unique violation (a batch's race), a deadlock (two batches met in opposite orders) or a
// serialization failure (a repeatable-read caller's snapshot missed the winner) means a concurrent
// append committed first; re-running the append then sees the winner and reports the outcome.
const LOST_RACE = new Set(['23505', '40P01', '40001']);
// Only 'any' can need more than one re-run, once per writer that got in first.
const MAX_ATTEMPTS = 50;

/**
 * Appends events to a stream in one round trip on the happy path. Callers never see a raw pg
 * error: a version conflict is a ConcurrencyError, a reused event id an EventIdConflictError.
 *
 * Idempotency is judged on (stream, type, data) and ignores metadata, because a retried
 * activity legitimately carries another attempt number or run id. A retry returns the
 * original positions and the version the original append produced.
 *
 * A single event's lost race leaves the transaction intact, so it is settled here, with a pool
 * or a client. A lost race that raised an error is re-run at once with a pool; with a client
 * (maybe inside the caller's own transaction, which the error has aborted) it becomes a
 * ConcurrencyError whose `actual` is NaN (unknown): roll back and retry the whole transaction.
 */
export async function appendToStream(
  db: pg.Pool | pg.ClientBase,
  streamId: string,
  expectedVersion: ExpectedVersion,
  events: NewEvent[],
): Promise<AppendOutcome> {
  const input = validateAppend(streamId, expectedVersion, events);
  const isPool = typeof (db as pg.Pool).totalCount === 'number';
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    try {
      const outcome =
        input.eventIds.length === 1
          ? await appendOne(db, input, expectedVersion, { isPool })
          : await appendMany(db, input, expectedVersion);
      if (outcome) return outcome;
    } catch (error) {
      if (!LOST_RACE.has((error as { code?: string }).code ?? '')) throw error;
      if (!isPool) break;
    }
  }
  throw new ConcurrencyError(streamId, expectedVersion, Number.NaN);
}
