import type pg from 'pg';
import type { AppendOutcome } from './appendToStream';
import { ConcurrencyError, EventIdConflictError } from './errors';
import type { ExpectedVersion } from './types';
import type { PreparedAppend } from './validateAppend';

// With a client (maybe inside the caller's transaction), ON CONFLICT DO NOTHING without a target: a
// clash on the event id or on (stream, version) leaves zero rows, never an error that would abort
// that transaction. With a pool there is no caller's transaction to keep usable, so a plain INSERT
// spares the speculative insertion (a probe of every unique index first) and a clash is an error.
// Either way, only then does a second round trip find out which it was.
const INSERT = 'INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata)';
const ON_CONFLICT = 'ON CONFLICT DO NOTHING RETURNING position, stream_version';
const PLAIN = 'RETURNING position, stream_version';
const UNIQUE_VIOLATION = '23505';

// One statement per kind of expected version, each without branches: the plan Postgres caches for
// a prepared statement is then as cheap as a custom one, so it keeps it instead of re-planning on
// every call (which cost more CPU than the insert itself).
const newStreamSql = (tail: string) => `${INSERT} VALUES ($1, 1, $2::uuid, $3, $4::jsonb, $5::jsonb) ${tail}`;

// Version N exists and N+1 is free (or the insert clashes), so the stream is at exactly N. N+1 is
// read from N's row, not computed from $6, which the planner may fold (and overflow) before filtering.
const atVersionSql = (tail: string) => `${INSERT}
SELECT $1, stream_version + 1, $2::uuid, $3, $4::jsonb, $5::jsonb
FROM events WHERE stream_id = $1 AND stream_version = $6::int ${tail}`;

const atEndSql = (tail: string) => `${INSERT}
SELECT $1, coalesce(max(stream_version), 0) + 1, $2::uuid, $3, $4::jsonb, $5::jsonb
FROM events WHERE stream_id = $1 ${tail}`;

/** Named (prepared once per connection) statements, by kind of expected version and by the clash's form. */
const STATEMENTS = {
  guarded: { new: newStreamSql(ON_CONFLICT), at: atVersionSql(ON_CONFLICT), end: atEndSql(ON_CONFLICT) },
  plain: { new: newStreamSql(PLAIN), at: atVersionSql(PLAIN), end: atEndSql(PLAIN) },
};

/** Why nothing was inserted: the stream's version, and the event already recorded under this id, if any. */
const DIAGNOSE_SQL = `
SELECT (SELECT coalesce(max(stream_version), 0) FROM events WHERE stream_id = $1) AS version,
       e.position, e.stream_version, (e.stream_id = $1 AND e.type = $3 AND e.data = $4::jsonb) AS same
FROM (VALUES (1)) AS one LEFT JOIN events e ON e.event_id = $2::uuid`;

type InsertedRow = [position: string, version: number];
type DiagnosisRow = [version: number, position: string | null, recordedVersion: number | null, same: boolean];

/**
 * Appends one event in one round trip, or says why not in a second. Returns undefined when the
 * stream moved under a check that would now pass ('any', or N reached since): append again.
 */
export async function appendOne(
  db: pg.Pool | pg.ClientBase,
  input: PreparedAppend,
  expectedVersion: ExpectedVersion,
  { isPool }: { isPool: boolean },
): Promise<AppendOutcome | undefined> {
  const { streamId, expectedVersion: expected } = input;
  const event = [streamId, input.eventIds[0], input.types[0], input.data[0], input.metadata[0]];
  const inserted = await insert(db, insertFor(expected, event, isPool ? 'plain' : 'guarded'));
  if (inserted) return { positions: [Number(inserted[0])], nextVersion: inserted[1], appended: true };

  const diagnosis = await db.query<DiagnosisRow>({
    name: 'eventstore.appendOneDiagnose',
    text: DIAGNOSE_SQL,
    rowMode: 'array',
    values: [streamId, event[1], event[2], event[3]],
  });
  const [version, position, recordedVersion, same] = diagnosis.rows[0]!;
  if (position !== null && same)
    return { positions: [Number(position)], nextVersion: recordedVersion!, appended: false };
  if (position !== null) throw new EventIdConflictError(streamId, [event[1]!], 'different_payload');
  if (expected === null || version === expected) return undefined;
  throw new ConcurrencyError(streamId, expectedVersion, version);
}

/** The inserted row, or undefined when a unique index refused it (by doing nothing, or by an error). */
async function insert(db: pg.Pool | pg.ClientBase, query: pg.QueryArrayConfig) {
  try {
    return (await db.query<InsertedRow>(query)).rows[0];
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) return undefined;
    throw error;
  }
}

function insertFor(
  expected: number | null,
  event: (string | undefined)[],
  form: keyof typeof STATEMENTS,
): pg.QueryArrayConfig {
  const statements = STATEMENTS[form];
  const name = (kind: string) => `eventstore.appendOne${kind}.${form}`;
  if (expected === 0) return { name: name('New'), text: statements.new, rowMode: 'array', values: event };
  if (expected === null)
    return { name: name('AtEnd'), text: statements.end, rowMode: 'array', values: event };
  return { name: name('At'), text: statements.at, rowMode: 'array', values: [...event, expected] };
}
