import type pg from 'pg';
import { ConcurrencyError, EventIdConflictError } from './errors';
import type { AppendResult, ExpectedVersion, NewEvent } from './types';
import { validateAppend } from './validateAppend';

// Every outcome as compact rows (outcome, position, version, ord): what was inserted, or else
// which ids already existed (the same event or a different one) and the stream's version. One
// row on the happy path, since every row and column costs CPU on both sides of each append.
const OUTCOMES = `
SELECT 'inserted' AS outcome, position, stream_version AS version, NULL::bigint AS ord FROM inserted
UNION ALL
SELECT CASE WHEN same THEN 'existing' ELSE 'different' END, position, stream_version, ord FROM existing
UNION ALL
SELECT 'stream', NULL, version, NULL FROM stream WHERE NOT EXISTS (SELECT FROM inserted)`;

/**
 * One statement, so one round trip: find already-recorded ids, read the stream's version,
 * and insert only when neither the idempotency nor the version check objects. Every
 * outcome comes back as rows and is decided here, so callers never see a raw pg error.
 */
const APPEND_MANY_SQL = `
WITH input AS (
  SELECT * FROM unnest($2::uuid[], $3::text[], $4::jsonb[], $5::jsonb[]) WITH ORDINALITY
    AS i(event_id, type, data, metadata, ord)
),
existing AS (
  SELECT i.ord, e.position, e.stream_version,
         (e.stream_id = $1 AND e.type = i.type AND e.data = i.data) AS same
  FROM input i JOIN events e ON e.event_id = i.event_id
),
stream AS (
  SELECT coalesce(max(stream_version), 0) AS version FROM events WHERE stream_id = $1
),
inserted AS (
  INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata)
  SELECT $1, s.version + i.ord, i.event_id, i.type, i.data, i.metadata
  FROM input i CROSS JOIN stream s
  WHERE NOT EXISTS (SELECT FROM existing) AND ($6::int IS NULL OR s.version = $6::int)
  ORDER BY i.ord
  RETURNING position, stream_version
)
${OUTCOMES}`;

/**
 * The same for one event, the common case, with scalar parameters. Besides skipping unnest,
 * its cached generic plan is cheap enough that Postgres keeps it instead of re-planning on
 * every call, which cost more CPU than the insert itself (the unnest form is guessed at 10 rows).
 */
const APPEND_ONE_SQL = `
WITH existing AS (
  SELECT 1::bigint AS ord, position, stream_version,
         (stream_id = $1 AND type = $3 AND data = $4::jsonb) AS same
  FROM events WHERE event_id = $2::uuid
),
stream AS (
  SELECT coalesce(max(stream_version), 0) AS version FROM events WHERE stream_id = $1
),
inserted AS (
  INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata)
  SELECT $1, s.version + 1, $2::uuid, $3, $4::jsonb, $5::jsonb
  FROM stream s
  WHERE NOT EXISTS (SELECT FROM existing) AND ($6::int IS NULL OR s.version = $6::int)
  RETURNING position, stream_version
)
${OUTCOMES}`;

/** outcome, position (bigint as text), version, ord (1-based index in the append, bigint as text) */
type AppendRow = [
  outcome: 'inserted' | 'existing' | 'different' | 'stream',
  string | null,
  number,
  string | null,
];

export interface AppendOutcome extends AppendResult {
  /** false when the append was a recognised retry and nothing new was written */
  appended: boolean;
}

// A unique violation means a concurrent append committed first (a deadlock, that two batches
// met in opposite orders); re-running the statement then sees the winner and reports the precise
// outcome. Only 'any' can need more than one retry, once per writer that got in first.
const LOST_RACE = new Set(['23505', '40P01']);
const MAX_ATTEMPTS = 50;

/**
 * Idempotency is judged on (stream, type, data) and ignores metadata, because a retried
 * activity legitimately carries another attempt number or run id. A retry returns the
 * original positions and the version the original append produced.
 *
 * With a pool, a lost race is re-run at once. With a client (maybe inside the caller's own
 * transaction, which the failed statement has aborted) it becomes a ConcurrencyError whose
 * `actual` is NaN (unknown): roll back and retry the whole transaction.
 */
export async function appendToStream(
  db: pg.Pool | pg.ClientBase,
  streamId: string,
  expectedVersion: ExpectedVersion,
  events: NewEvent[],
): Promise<AppendOutcome> {
  const input = validateAppend(streamId, expectedVersion, events);
  const { streamId: id, eventIds, types, data, metadata, expectedVersion: expected } = input;
  const query =
    eventIds.length === 1
      ? {
          name: 'eventstore.appendOne',
          text: APPEND_ONE_SQL,
          rowMode: 'array' as const,
          values: [id, eventIds[0], types[0], data[0], metadata[0], expected],
        }
      : {
          name: 'eventstore.appendMany',
          text: APPEND_MANY_SQL,
          rowMode: 'array' as const,
          values: [id, eventIds, types, data, metadata, expected],
        };
  const mayRerun = typeof (db as pg.Pool).totalCount === 'number';
  for (let attempt = 1; ; attempt++) {
    let rows: AppendRow[];
    try {
      ({ rows } = await db.query<AppendRow>(query as pg.QueryArrayConfig));
    } catch (error) {
      if (!LOST_RACE.has((error as { code?: string }).code ?? '')) throw error;
      if (mayRerun && attempt < MAX_ATTEMPTS) continue;
      throw new ConcurrencyError(streamId, expectedVersion, Number.NaN);
    }
    return decide(rows, streamId, expectedVersion, input.eventIds);
  }
}

function decide(
  rows: AppendRow[],
  streamId: string,
  expectedVersion: ExpectedVersion,
  eventIds: string[],
): AppendOutcome {
  const byOutcome = (outcome: AppendRow[0]) => rows.filter((row) => row[0] === outcome);
  const inserted = byOutcome('inserted');
  if (inserted.length > 0) {
    inserted.sort((a, b) => a[2] - b[2]);
    return {
      positions: inserted.map((row) => Number(row[1])),
      nextVersion: inserted[inserted.length - 1]![2],
      appended: true,
    };
  }
  const idOf = (row: AppendRow) => eventIds[Number(row[3]) - 1]!;
  const different = byOutcome('different');
  if (different.length > 0)
    throw new EventIdConflictError(streamId, different.map(idOf), 'different_payload');
  const existing = byOutcome('existing');
  if (existing.length > 0) {
    if (existing.length < eventIds.length)
      throw new EventIdConflictError(streamId, existing.map(idOf), 'partial_retry');
    existing.sort((a, b) => Number(a[3]) - Number(b[3]));
    return {
      positions: existing.map((row) => Number(row[1])),
      nextVersion: Math.max(...existing.map((row) => row[2])),
      appended: false,
    };
  }
  const actual = byOutcome('stream')[0]?.[2] ?? Number.NaN;
  throw new ConcurrencyError(streamId, expectedVersion, actual);
}
