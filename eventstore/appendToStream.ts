import type pg from 'pg';
import { ConcurrencyError, EventIdConflictError } from './errors';
import type { AppendResult, ExpectedVersion, NewEvent } from './types';
import { validateAppend } from './validateAppend';

/**
 * One statement, so one round trip: find already-recorded ids, read the stream's version,
 * and insert only when neither the idempotency nor the version check objects. Every
 * outcome comes back as rows and is decided here, so callers never see a raw pg error.
 */
const APPEND_SQL = `
WITH input AS (
  SELECT * FROM unnest($2::uuid[], $3::text[], $4::jsonb[], $5::jsonb[]) WITH ORDINALITY
    AS i(event_id, type, data, metadata, ord)
),
existing AS (
  SELECT i.ord, e.event_id, e.position, e.stream_version,
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
SELECT 'inserted' AS outcome, position, stream_version AS version, NULL::bigint AS ord,
       NULL::uuid AS event_id, true AS same FROM inserted
UNION ALL
SELECT 'existing', position, stream_version, ord, event_id, same FROM existing
UNION ALL
SELECT 'stream', NULL, version, NULL, NULL, true FROM stream`;

interface AppendRow {
  outcome: 'inserted' | 'existing' | 'stream';
  position: string | null;
  version: number;
  ord: string | null;
  event_id: string | null;
  same: boolean;
}

export interface AppendOutcome extends AppendResult {
  /** false when the append was a recognised retry and nothing new was written */
  appended: boolean;
}

const UNIQUE_VIOLATION = '23505';
// A unique violation means a concurrent append committed first; re-running the statement
// then sees it and reports the precise outcome. Only 'any' can need more than one retry.
const MAX_ATTEMPTS = 8;

/**
 * Idempotency is judged on (stream, type, data) and ignores metadata, because a retried
 * activity legitimately carries another attempt number or run id. A retry returns the
 * original positions and the version the original append produced.
 */
export async function appendToStream(
  db: pg.Pool | pg.ClientBase,
  streamId: string,
  expectedVersion: ExpectedVersion,
  events: NewEvent[],
): Promise<AppendOutcome> {
  const input = validateAppend(streamId, expectedVersion, events);
  const values = [
    input.streamId,
    input.eventIds,
    input.types,
    input.data,
    input.metadata,
    input.expectedVersion,
  ];
  for (let attempt = 1; ; attempt++) {
    let rows: AppendRow[];
    try {
      ({ rows } = await db.query<AppendRow>({ name: 'eventstore.append', text: APPEND_SQL, values }));
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION && attempt < MAX_ATTEMPTS) continue;
      if ((error as { code?: string }).code === UNIQUE_VIOLATION)
        throw new ConcurrencyError(streamId, expectedVersion, Number.NaN);
      throw error;
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
  const inserted = rows.filter((row) => row.outcome === 'inserted');
  if (inserted.length > 0) {
    inserted.sort((a, b) => a.version - b.version);
    return {
      positions: inserted.map((row) => Number(row.position)),
      nextVersion: inserted[inserted.length - 1]!.version,
      appended: true,
    };
  }
  const existing = rows.filter((row) => row.outcome === 'existing');
  if (existing.length > 0) {
    const different = existing.filter((row) => !row.same).map((row) => row.event_id!);
    if (different.length > 0) throw new EventIdConflictError(streamId, different, 'different_payload');
    if (existing.length < eventIds.length)
      throw new EventIdConflictError(
        streamId,
        existing.map((row) => row.event_id!),
        'partial_retry',
      );
    existing.sort((a, b) => Number(a.ord) - Number(b.ord));
    return {
      positions: existing.map((row) => Number(row.position)),
      nextVersion: Math.max(...existing.map((row) => row.version)),
      appended: false,
    };
  }
  const actual = rows.find((row) => row.outcome === 'stream')?.version ?? Number.NaN;
  throw new ConcurrencyError(streamId, expectedVersion, actual);
}
