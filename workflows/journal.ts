import { upsertSearchAttributes } from '@temporalio/workflow';
import type { AppendOrderEventsInput, AppendOrderEventsResult } from '../activities/appendOrderEvents';
import { foldOrder, initialOrderState, type OrderEvent, type OrderState, type OrderStatus } from '../domain';
import { orderStatusKey } from './searchAttributes';
import type { Shield } from './ticket';

type Append = (input: AppendOrderEventsInput) => Promise<AppendOrderEventsResult>;

/**
 * The saga's pen: every fact goes through one activity call with the expected version (events
 * written so far) and the previous event as its cause. A fact once begun is always written, then
 * folded into the order's state, whose status the Web UI's `OrderStatus` search attribute shows.
 */
export class OrderJournal {
  version = 0;
  lastPosition: number | null = null;
  /** The order as the saga recorded it (the notifier's facts are not folded in). */
  state: OrderState = initialOrderState();
  private lastEventId: string | null = null;
  /** Which time round repeated facts are (`remake-1`, …): their event ids differ from the first time's. */
  round: string | undefined;

  constructor(
    private readonly streamId: string,
    private readonly append: Append,
    private readonly options: {
      /** Where every append runs: no cancel reaches a fact once begun. */
      shielded: Shield;
      /** Sagas of the first type upserted `OrderStatus` after every append, changed or not (workflows/changes.ts). */
      upsertUnchangedStatus: boolean;
    },
  ) {}

  /** PLACED until `OrderPlaced` is recorded, then whatever `evolve` made of the recorded facts. */
  get status(): OrderStatus {
    return this.state.status ?? 'PLACED';
  }

  /** Facts already decided that go in front of the next `record` (one local activity fewer). */
  private held: OrderEvent[] = [];

  hold(events: OrderEvent[]): void {
    this.held.push(...events);
  }

  /** Appends the held facts and then these events; returns the global position of the last one. */
  record(recorded: OrderEvent[]): Promise<number> {
    const events = [...this.held, ...recorded];
    this.held = [];
    return this.options.shielded(async () => {
      const result = await this.append({
        streamId: this.streamId,
        expectedVersion: this.version,
        causationId: this.lastEventId,
        events,
        ...(this.round ? { round: this.round } : {}),
      });
      // Other writers (the notifier) may have appended in between: the stream's version, not our count.
      this.version = Math.max(result.nextVersion, this.version + events.length);
      this.lastEventId = result.eventIds.at(-1) ?? this.lastEventId;
      this.lastPosition = result.positions.at(-1) ?? this.lastPosition;
      const before = this.status;
      this.state = foldOrder(events, this.state);
      if (this.status !== before || this.options.upsertUnchangedStatus)
        upsertSearchAttributes([{ key: orderStatusKey, value: this.status }]);
      return this.lastPosition!;
    });
  }
}
