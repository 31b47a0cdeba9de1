import { Context } from '@temporalio/activity';
import { type OrderEvent, SETTLES_PAYMENT } from '../domain';
import type { AppendResult, ExpectedVersion, NewEvent, RecordedEvent } from '../eventstore/types';
import { canonicalJson } from '../postgres';
import { eventTraceContext } from '../telemetry/hooks';
import { eventIdFor } from './eventIds';

/** The port to the event store: `createEventStore(pool).append` fits it. */
export type AppendToStream = (
  streamId: string,
  expectedVersion: ExpectedVersion,
  events: NewEvent[],
) => Promise<AppendResult>;

/** Reads a stream back; lets a re-executed local activity find the facts it already wrote. */
export type ReadStream = (streamId: string) => Promise<RecordedEvent[]>;

export interface AppendOrderEventsInput {
  streamId: string;
  /** Events the saga appended before these: the stream's version. */
  expectedVersion: number;
  /** Id of the saga's previous event; null for the first. */
  causationId: string | null;
  /** Each event type occurs at most once per saga (or per `round`), so the type names its step. */
  events: OrderEvent[];
  /**
   * Facts that repeat (a drink sent back is written off and brewed again) are told apart by their
   * round, e.g. `remake-1`; absent for the first time round, so earlier sagas keep their ids.
   */
  round?: string;
}

export interface AppendOrderEventsResult {
  positions: number[];
  eventIds: string[];
  nextVersion: number;
  attempt: number;
}

export function createAppendActivities(
  appendToStream: AppendToStream,
  readStream?: ReadStream,
  paymentSettled?: (orderId: string) => Promise<void>,
) {
  /** Once such a fact is durable the token goes; a failure here leaves it to the vault's retention sweep. */
  const forgetToken = async (input: AppendOrderEventsInput) => {
    const settling = input.events.find((event) => SETTLES_PAYMENT.includes(event.type));
    if (settling && paymentSettled) await paymentSettled(settling.data.orderId).catch(() => {});
  };
  return {
    /** Appends facts with ids derived from (workflow id, step): a retry appends nothing twice. */
    async appendOrderEvents(input: AppendOrderEventsInput): Promise<AppendOrderEventsResult> {
      const { workflowExecution, attempt } = Context.current().info;
      if (!workflowExecution) throw new Error('appendOrderEvents runs only inside an order saga');
      const { workflowId, runId } = workflowExecution;
      const step = (type: string) => (input.round ? `${input.round}/${type}` : type);
      const eventIds = input.events.map((event) => eventIdFor(workflowId, step(event.type)));
      // The append's trace (W3C traceparent) rides with each fact: consumers link their spans to it.
      const trace = eventTraceContext();
      const events = input.events.map(
        (event, index): NewEvent => ({
          eventId: eventIds[index]!,
          type: event.type,
          data: event.data as unknown as Record<string, unknown>,
          metadata: {
            correlationId: event.data.orderId,
            causationId: (index === 0 ? input.causationId : eventIds[index - 1]) ?? undefined,
            workflowId,
            runId,
            activityAttempt: attempt,
            ...trace,
          },
        }),
      );
      try {
        const result = await appendAfterOthers(appendToStream, readStream, input, events, workflowId);
        await forgetToken(input);
        return { positions: result.positions, nextVersion: result.nextVersion, eventIds, attempt };
      } catch (error) {
        const original =
          isPayloadConflict(error) && readStream ? await sameFacts(readStream, input, eventIds) : undefined;
        if (!original) throw error;
        return { ...original, eventIds, attempt };
      }
    },
  };
}

/**
 * The saga is not the stream's only writer: the notifier appends `CustomerNotified` to
 * `order-<id>` (expected version `any`) between the saga's facts. A conflict caused only by
 * events appended after ours is no conflict for the saga: append after them.
 *
 * Nor is the saga's journal always the whole story of its own facts: a local append commits, then
 * Temporal loses the workflow task that ran it (a worker or the server killed, the task timed out).
 * The task runs again and may decide otherwise, having seen more (a cancel that arrived meanwhile
 * is handled before the activity's result). The facts of the lost decision stay in the append-only
 * log, under other ids than the new decision's; the new decision is appended after them rather
 * than retried against a version that can never come back (which would stick the saga for good).
 */
async function appendAfterOthers(
  appendToStream: AppendToStream,
  readStream: ReadStream | undefined,
  input: AppendOrderEventsInput,
  events: NewEvent[],
  workflowId: string,
): Promise<AppendResult> {
  let expectedVersion = input.expectedVersion;
  for (let round = 1; ; round += 1) {
    try {
      return await appendToStream(input.streamId, expectedVersion, events);
    } catch (error) {
      if (!readStream || round >= 5 || !isConcurrencyConflict(error)) throw error;
      const later = (await readStream(input.streamId)).filter(
        (recorded) => recorded.streamVersion > input.expectedVersion,
      );
      if (later.length === 0) throw error;
      const lost = later.filter((recorded) => recorded.metadata?.workflowId === workflowId);
      if (lost.length > 0)
        Context.current().log.warn('facts of a lost workflow task stay in the log; appending after them', {
          streamId: input.streamId,
          facts: lost.map((recorded) => `${recorded.streamVersion}:${recorded.type}`),
        });
      expectedVersion = Math.max(...later.map((recorded) => recorded.streamVersion));
    }
  }
}

const isConcurrencyConflict = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConcurrencyError';

const isPayloadConflict = (error: unknown): boolean =>
  error instanceof Error &&
  error.name === 'EventIdConflictError' &&
  (error as Error & { reason?: string }).reason === 'different_payload';

/**
 * A local activity re-executed after its workflow task was lost decides `at` (and a deadline) again, from the new
 * task's clock. Same ids, same stream, same types, same data but for `at`: the same facts, already
 * written, and the first time stands. Anything else stays an error.
 */
async function sameFacts(
  readStream: ReadStream,
  input: AppendOrderEventsInput,
  eventIds: string[],
): Promise<AppendResult | undefined> {
  const recorded = new Map((await readStream(input.streamId)).map((event) => [event.eventId, event]));
  const originals = input.events.map((event, index) => {
    const stored = recorded.get(eventIds[index]!);
    return stored && stored.type === event.type && equalButTime(stored.data, event.data) ? stored : undefined;
  });
  if (originals.some((stored) => stored === undefined)) return undefined;
  const found = originals as RecordedEvent[];
  return {
    positions: found.map((stored) => stored.position),
    nextVersion: Math.max(...found.map((stored) => stored.streamVersion)),
  };
}

function equalButTime(stored: Record<string, unknown>, fresh: object): boolean {
  // `pickupDeadline` is read off the same clock as `at` (the deadline is `at` + the window).
  const { at: _storedAt, pickupDeadline: _storedDeadline, ...storedRest } = stored;
  const { at: _freshAt, pickupDeadline: _freshDeadline, ...freshRest } = fresh as Record<string, unknown>;
  // jsonb does not keep key order: compare with keys sorted.
  return canonicalJson(storedRest) === canonicalJson(freshRest);
}
