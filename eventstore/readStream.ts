import type pg from 'pg';
import { EventStoreValidationError, type ValidationIssue } from './errors';
import { EVENT_COLUMNS, type EventRow, toRecordedEvent } from './rows';
import type { RecordedEvent } from './types';

export interface ReadStreamOptions {
  /** first version to return (inclusive, default 1) */
  fromVersion?: number;
  /** last version to return (inclusive) */
  toVersion?: number;
  /**
   * only events recorded at or before this instant, to the millisecond (a Date's precision, so an
   * event's own `recordedAt` includes it): folding them gives the state as of then
   */
  upToTime?: Date;
}

const READ_STREAM_SQL = `SELECT ${EVENT_COLUMNS} FROM events
WHERE stream_id = $1 AND stream_version >= $2 AND stream_version <= $3
  AND ($4::timestamptz IS NULL OR recorded_at < $4::timestamptz + interval '1 millisecond')
ORDER BY stream_version`;

const MAX_VERSION = 2_147_483_647;

/** A stream's events in version order; an unknown stream reads as empty. */
export async function readStream(
  db: pg.Pool | pg.ClientBase,
  streamId: string,
  options: ReadStreamOptions = {},
): Promise<RecordedEvent[]> {
  const { fromVersion = 1, toVersion = MAX_VERSION, upToTime } = options;
  const issues: ValidationIssue[] = [];
  if (typeof streamId !== 'string' || streamId.length === 0)
    issues.push({ field: 'streamId', message: 'must be a non-empty string' });
  if (!Number.isInteger(fromVersion) || fromVersion < 0)
    issues.push({ field: 'fromVersion', message: 'must be a non-negative integer' });
  if (!Number.isInteger(toVersion) || toVersion < 0)
    issues.push({ field: 'toVersion', message: 'must be a non-negative integer' });
  if (upToTime !== undefined && !(upToTime instanceof Date && !Number.isNaN(upToTime.getTime())))
    issues.push({ field: 'upToTime', message: 'must be a valid Date' });
  if (issues.length > 0) throw new EventStoreValidationError(issues);
  const { rows } = await db.query<EventRow>({
    name: 'eventstore.readStream',
    text: READ_STREAM_SQL,
    values: [streamId, fromVersion, Math.min(toVersion, MAX_VERSION), upToTime ?? null],
  });
  return rows.map(toRecordedEvent);
}
