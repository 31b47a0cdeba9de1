import type pg from 'pg';
import { EventStoreValidationError } from './errors';
import { EVENT_COLUMNS, type EventRow, toLoggedEvent } from './rows';
import { LOG_START, type LogCheckpoint, type LoggedEvent } from './types';

export interface ReadAllOptions {
  /** exclusive: the checkpoint of the last event already handled (default LOG_START) */
  after?: LogCheckpoint;
  /** page size (default 1000) */
  limit?: number;
}

export const MAX_READ_ALL_LIMIT = 10_000;

/**
 * Gap-safe: a transaction's id is taken before it can insert, and every id below the
 * snapshot's xmin belongs to a finished transaction. Reading only those, in (xid, position)
 * order, means no transaction can later commit an event that sorts before what we returned,
 * whereas a bare position order would skip position 41 committed after 42.
 * ORDER BY names the table's columns: unqualified, it would sort by the text output column.
 */
const READ_ALL_SQL = `SELECT ${EVENT_COLUMNS} FROM events
WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  AND (transaction_id, position) > ($1::xid8, $2::bigint)
ORDER BY events.transaction_id, events.position
LIMIT $3`;

/** One page of the whole log after a checkpoint; an empty page means caught up (for now). */
export async function readAll(
  db: pg.Pool | pg.ClientBase,
  options: ReadAllOptions = {},
): Promise<LoggedEvent[]> {
  const { after = LOG_START, limit = 1000 } = options;
  if (!isCheckpoint(after))
    throw new EventStoreValidationError([
      {
        field: 'after',
        message: 'must be a LogCheckpoint { transactionId: decimal string, position: integer }',
      },
    ]);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_READ_ALL_LIMIT)
    throw new EventStoreValidationError([
      { field: 'limit', message: `must be an integer from 1 to ${MAX_READ_ALL_LIMIT}` },
    ]);
  const { rows } = await db.query<EventRow>({
    name: 'eventstore.readAll',
    text: READ_ALL_SQL,
    values: [after.transactionId, after.position, limit],
  });
  return rows.map(toLoggedEvent);
}

/**
 * Whether committed events beyond `after` are still held back by an older running transaction
 * (they appear once it ends): lets a woken subscriber retry soon instead of waiting for a poll.
 */
export async function hasHeldBackEvents(db: pg.Pool | pg.ClientBase, after: LogCheckpoint): Promise<boolean> {
  const { rows } = await db.query<{ pending: boolean }>({
    name: 'eventstore.hasHeldBack',
    text: 'SELECT EXISTS (SELECT FROM events WHERE (transaction_id, position) > ($1::xid8, $2::bigint)) AS pending',
    values: [after.transactionId, after.position],
  });
  return rows[0]?.pending === true;
}

/** The checkpoint just at an event, for read-your-writes: a consumer past it has seen the event. */
export async function checkpointOf(
  db: pg.Pool | pg.ClientBase,
  position: number,
): Promise<LogCheckpoint | undefined> {
  const { rows } = await db.query<{ transaction_id: string }>({
    name: 'eventstore.checkpointOf',
    text: 'SELECT transaction_id::text AS transaction_id FROM events WHERE position = $1',
    values: [position],
  });
  return rows[0] ? { transactionId: rows[0].transaction_id, position } : undefined;
}

/**
 * The checkpoint of the last event at or before `position` (a gap or a position past the head of
 * the log names the event before it), or undefined when the log holds none that early.
 */
export async function checkpointAtOrBefore(
  db: pg.Pool | pg.ClientBase,
  position: number,
): Promise<LogCheckpoint | undefined> {
  const { rows } = await db.query<{ transaction_id: string; position: string }>({
    name: 'eventstore.checkpointAtOrBefore',
    text: 'SELECT transaction_id::text AS transaction_id, position FROM events WHERE position <= $1 ORDER BY position DESC LIMIT 1',
    values: [position],
  });
  return rows[0] ? { transactionId: rows[0].transaction_id, position: Number(rows[0].position) } : undefined;
}

/** Log order: negative when a comes first, 0 when equal, positive when b comes first. */
export function compareCheckpoints(a: LogCheckpoint, b: LogCheckpoint): number {
  const byTransaction = BigInt(a.transactionId) - BigInt(b.transactionId);
  if (byTransaction !== 0n) return byTransaction < 0n ? -1 : 1;
  return Math.sign(a.position - b.position);
}

/** Whether a consumer standing at `checkpoint` has handled the event at `target`. */
export function hasReached(checkpoint: LogCheckpoint, target: LogCheckpoint): boolean {
  return compareCheckpoints(checkpoint, target) >= 0;
}

/** The checkpoint that resumes reading right after this event. */
export function checkpointAfter(event: Pick<LoggedEvent, 'transactionId' | 'position'>): LogCheckpoint {
  return { transactionId: event.transactionId, position: event.position };
}

function isCheckpoint(value: unknown): value is LogCheckpoint {
  const candidate = value as LogCheckpoint | undefined;
  return (
    typeof candidate?.transactionId === 'string' &&
    /^\d+$/.test(candidate.transactionId) &&
    Number.isInteger(candidate.position) &&
    candidate.position >= 0
  );
}
