import { evolve, initialOrderState, money, type OrderEvent, type OrderState } from '../../domain';
import type { RecordedEvent } from '../../eventstore';
import type { OrderSummary } from '../../projections';
import type { OrderChange, OrderView } from '../ports';

/** The order summary read model row as the API shows it: the row already has the Order's fields. */
export const viewOfSummary = (summary: OrderSummary): OrderView => summary;

/** An ISO instant as the read model gives it back (Postgres normalizes what it stores). */
const instant = (at: string | null): string | null => (at === null ? null : new Date(at).toISOString());

/** The order folded from its own events (time travel, SSE), in the same shape as the read model. */
export function viewOfState(state: OrderState, last: RecordedEvent): OrderView | null {
  if (!state.orderId || !state.status || !state.customer || !state.total) return null;
  return {
    orderId: state.orderId,
    status: state.status,
    customer: state.customer,
    items: state.items,
    total: state.total,
    refunded: state.refund?.amount ?? money(0, state.total.currency),
    reason: state.reason,
    pickupDeadline: instant(state.pickupDeadline),
    notified: state.notified,
    timestamps: instants(state.timestamps),
    rejections: state.rejections,
    remakes: state.remakes,
    batchIds: state.batchIds,
    position: last.position,
    version: state.version,
    updatedAt: instant(String(last.data.at ?? last.recordedAt.toISOString())) as string,
  };
}

const instants = <K extends string>(timestamps: Record<K, string | null>): Record<K, string | null> =>
  Object.fromEntries(
    Object.entries<string | null>(timestamps).map(([key, at]) => [key, instant(at)]),
  ) as Record<K, string | null>;

const asOrderEvent = (event: RecordedEvent) => ({ type: event.type, data: event.data }) as OrderEvent;

/** Folds a stream; `onEach` sees the state after every event. */
export function foldOrder(
  events: RecordedEvent[],
  onEach?: (state: OrderState, event: RecordedEvent) => void,
): OrderState {
  let state = initialOrderState();
  for (const event of events) {
    state = evolve(state, asOrderEvent(event));
    onEach?.(state, event);
  }
  return state;
}

/** Every change of an order after a position: the event and the order as it stood right after it. */
export function changesOf(orderId: string, events: RecordedEvent[], afterPosition: number): OrderChange[] {
  const changes: OrderChange[] = [];
  foldOrder(events, (state, event) => {
    if (event.position <= afterPosition || !state.status) return;
    changes.push({
      orderId,
      position: event.position,
      type: event.type,
      status: state.status,
      order: viewOfState(state, event),
    });
  });
  return changes;
}
