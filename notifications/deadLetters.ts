import type pg from 'pg';
import type { EventStore } from '../eventstore';
import type { CustomerNames } from './customerNames';
import { messageText, type NotificationIntent, recordCustomerNotified } from './messages';
import type { NotificationMetrics } from './metrics';
import { type NotificationKind, type NotificationProvider, recipientFor } from './provider';

/**
 * A refused message as parked: what to say, not to whom. The address and the text carry the
 * customer's name, so a replay renders them again from the vault (and an erased order is dropped).
 */
export interface ParkedMessage {
  idempotencyKey: string;
  orderId: string;
  kind: NotificationKind;
  eventType: string;
  /** The intent's facts (pickup deadline, refunded amount). */
  details: Record<string, unknown>;
}

export interface DeadLetter {
  eventId: string;
  position: number;
  orderId: string;
  kind: NotificationKind;
  reason: string;
  /** What was refused, without the customer's name; a replay sends it again with the same key. */
  payload: ParkedMessage;
  createdAt: Date;
  replayAttempts: number;
  replayedAt: Date | null;
}

/** Parks a refused message; recording it twice (a retry after a crash) keeps the first row. */
export async function recordDeadLetter(
  db: pg.ClientBase | pg.Pool,
  intent: NotificationIntent,
  reason: string,
): Promise<void> {
  const parked: ParkedMessage = {
    idempotencyKey: intent.eventId,
    orderId: intent.orderId,
    kind: intent.kind,
    eventType: intent.eventType,
    details: intent.details,
  };
  await db.query(
    `INSERT INTO notification_dead_letters (event_id, position, order_id, kind, reason, payload)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING`,
    [intent.eventId, intent.position, intent.orderId, intent.kind, reason, JSON.stringify(parked)],
  );
}

interface DeadLetterRow {
  event_id: string;
  position: string;
  order_id: string;
  kind: NotificationKind;
  reason: string;
  payload: DeadLetter['payload'];
  created_at: Date;
  replay_attempts: number;
  replayed_at: Date | null;
}

const toDeadLetter = (row: DeadLetterRow): DeadLetter => ({
  eventId: row.event_id,
  position: Number(row.position),
  orderId: row.order_id,
  kind: row.kind,
  reason: row.reason,
  payload: row.payload,
  createdAt: row.created_at,
  replayAttempts: row.replay_attempts,
  replayedAt: row.replayed_at,
});

/** Dead letters in log order; by default only those still waiting for a replay. */
export async function listDeadLetters(
  db: pg.ClientBase | pg.Pool,
  { includeReplayed = false } = {},
): Promise<DeadLetter[]> {
  const { rows } = await db.query<DeadLetterRow>(
    `SELECT * FROM notification_dead_letters WHERE $1 OR replayed_at IS NULL ORDER BY position`,
    [includeReplayed],
  );
  return rows.map(toDeadLetter);
}

export interface ReplayDeps {
  pool: pg.Pool;
  store: Pick<EventStore, 'append'>;
  provider: NotificationProvider;
  /** Whom the message goes to: the vault (or the log, for orders placed before it). */
  names: CustomerNames;
  metrics?: NotificationMetrics;
}

export type ReplayResult =
  | { eventId: string; outcome: 'delivered'; duplicate: boolean }
  | { eventId: string; outcome: 'erased' }
  | { eventId: string; outcome: 'failed'; reason: string }
  | { eventId: string; outcome: 'not_found' };

/**
 * Re-sends waiting dead letters once each, with their original idempotency key (so a message
 * the provider did take after all is not delivered twice). Delivered ones are marked replayed
 * and recorded as `CustomerNotified`; failed ones stay, with the new reason.
 */
export async function replayDeadLetters(deps: ReplayDeps, which: string | 'all'): Promise<ReplayResult[]> {
  const waiting = await listDeadLetters(deps.pool);
  const chosen = which === 'all' ? waiting : waiting.filter((letter) => letter.eventId === which);
  if (which !== 'all' && chosen.length === 0) return [{ eventId: which, outcome: 'not_found' }];
  const results: ReplayResult[] = [];
  for (const letter of chosen) results.push(await replayOne(deps, letter));
  return results;
}

async function replayOne(
  { pool, store, provider, names, metrics }: ReplayDeps,
  letter: DeadLetter,
): Promise<ReplayResult> {
  const intent: NotificationIntent = {
    kind: letter.kind,
    orderId: letter.orderId,
    eventId: letter.eventId,
    eventType: letter.payload.eventType,
    position: letter.position,
    details: letter.payload.details ?? {},
  };
  try {
    const known = await names(letter.orderId);
    if (known && 'erased' in known) {
      // Forgotten since: nobody to send it to, and nothing of them left here either.
      await pool.query('UPDATE notification_dead_letters SET replayed_at = now() WHERE event_id = $1', [
        letter.eventId,
      ]);
      return { eventId: letter.eventId, outcome: 'erased' };
    }
    const customer = known?.name;
    const ack = await provider.send({
      idempotencyKey: letter.eventId,
      to: customer ? recipientFor(customer) : '',
      orderId: letter.orderId,
      kind: letter.kind,
      message: messageText(intent, customer ?? 'there'),
    });
    await recordCustomerNotified(store, intent, ack.acceptedAt);
    await pool.query(
      `UPDATE notification_dead_letters SET replayed_at = now(), replay_attempts = replay_attempts + 1
       WHERE event_id = $1`,
      [letter.eventId],
    );
    metrics?.sent.inc({ kind: letter.kind });
    return { eventId: letter.eventId, outcome: 'delivered', duplicate: ack.duplicate };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await pool.query(
      `UPDATE notification_dead_letters SET reason = $2, replay_attempts = replay_attempts + 1 WHERE event_id = $1`,
      [letter.eventId, reason],
    );
    return { eventId: letter.eventId, outcome: 'failed', reason };
  }
}

/** Retention: replayed dead letters older than `retentionMs` are deleted (NOTIFIER_DEAD_LETTER_RETENTION_DAYS). */
export async function pruneReplayedDeadLetters(db: pg.Pool, retentionMs: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM notification_dead_letters
     WHERE replayed_at < now() - make_interval(secs => $1::double precision / 1000)`,
    [retentionMs],
  );
  return rowCount ?? 0;
}
