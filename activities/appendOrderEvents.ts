import { Context } from '@temporalio/activity';
import type { OrderEvent } from '../domain';
import type { AppendResult, ExpectedVersion, NewEvent } from '../eventstore/types';
import { eventIdFor } from './eventIds';

/** The port to the event store: `createEventStore(pool).append` fits it. */
export type AppendToStream = (
  streamId: string,
  expectedVersion: ExpectedVersion,
  events: NewEvent[],
) => Promise<AppendResult>;

export interface AppendOrderEventsInput {
  streamId: string;
  /** Events the saga appended before these: the stream's version. */
  expectedVersion: number;
  /** Id of the saga's previous event; null for the first. */
  causationId: string | null;
  /** Each event type occurs at most once per saga, so the type names its step. */
  events: OrderEvent[];
}

export interface AppendOrderEventsResult {
  positions: number[];
  eventIds: string[];
  nextVersion: number;
  attempt: number;
}

export function createAppendActivities(appendToStream: AppendToStream) {
  return {
    /** Appends facts with ids derived from (workflow id, step): a retry appends nothing twice. */
    async appendOrderEvents(input: AppendOrderEventsInput): Promise<AppendOrderEventsResult> {
      const { workflowExecution, attempt } = Context.current().info;
      if (!workflowExecution) throw new Error('appendOrderEvents runs only inside an order saga');
      const { workflowId, runId } = workflowExecution;
      const eventIds = input.events.map((event) => eventIdFor(workflowId, event.type));
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
          },
        }),
      );
      const result = await appendToStream(input.streamId, input.expectedVersion, events);
      return { positions: result.positions, nextVersion: result.nextVersion, eventIds, attempt };
    },
  };
}
