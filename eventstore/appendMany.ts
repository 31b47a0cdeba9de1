import type pg from 'pg';
import type { AppendOutcome } from './appendToStream';
import { ConcurrencyError, EventIdConflictError } from './errors';
import type { ExpectedVersion } from './types';
import type { PreparedAppend } from './validateAppend';

/**
 * One statement, so one round trip: find already-recorded ids, read the stream's version, and
 * insert only when neither the idempotency nor the version check objects. Unlike a single event,
 * a batch cannot lean on ON CONFLICT DO NOTHING, which would insert the rows that do not clash and
 * so apply half an append. Every outcome comes back as compact rows (outcome, position, version,
 * ord), one on the happy path, since every row and column costs CPU on both sides of each append.
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
SELECT 'inserted' AS outcome, position, stream_version AS version, NULL::bigint AS ord FROM inserted
UNION ALL
SELECT CASE WHEN same THEN 'existing' ELSE 'different' END, position, stream_version, ord FROM existing
UNION ALL
SELECT 'stream', NULL, version, NULL FROM stream WHERE NOT EXISTS (SELECT FROM inserted)`;

/** outcome, position (bigint as text), version, ord (1-based index in the append, bigint as text) */
type AppendRow = [
  outcome: 'inserted' | 'existing' | 'different' | 'stream',
  string | null,
  number,
  string | null,
];

/**
 * Appends several events in one statement. A writer racing in between the checks and the insert
 * makes it fail with a unique violation, which the caller turns into a re-run or a ConcurrencyError.
 */
export async function appendMany(
  db: pg.Pool | pg.ClientBase,
  input: PreparedAppend,
  expectedVersion: ExpectedVersion,
): Promise<AppendOutcome> {
  const { streamId, eventIds, types, data, metadata, expectedVersion: expected } = input;
  const { rows } = await db.query<AppendRow>({
    name: 'eventstore.appendMany',
    text: APPEND_MANY_SQL,
    rowMode: 'array',
    values: [streamId, eventIds, types, data, metadata, expected],
  });
  return decide(rows, streamId, expectedVersion, eventIds);
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
