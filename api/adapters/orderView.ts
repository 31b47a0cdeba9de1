import { evolve, initialOrderState, money, type OrderEvent, type OrderState } from '../../domain';
import type { RecordedEvent } from '../../eventstore';
import type { OrderSummary } from '../../projections';
import type { OrderChange, OrderView, PersonalView } from '../ports';

/**
 * The personal fields as a read shows them, resolved from the vault at read time: the name, the
 * customer's own cancel reason over ours, and erasure (from the log, or the vault's tombstone).
 */
function personalFields(
  status: OrderView['status'],
  reason: string | null,
  erasedInLog: boolean,
  personal: PersonalView | undefined,
): Pick<OrderView, 'customer' | 'erased' | 'reason'> {
  const erased = erasedInLog || personal?.erased === true;
  const ownWords = status === 'CANCELLED' && !erased ? personal?.cancelReason : null;
  return { customer: erased ? null : (personal?.customer ?? null), erased, reason: ownWords ?? reason };
}

/** The order summary read model row as the API shows it, with its personal fields resolved. */
export function viewOfSummary(summary: OrderSummary, personal: PersonalView | undefined): OrderView {
  const { customerRef: _ref, erased, ...rest } = summary;
  return { ...rest, ...personalFields(summary.status, summary.reason, erased, personal) };
}

/** An ISO instant as the read model gives it back (Postgres normalizes what it stores). */
const instant = (at: string | null): string | null => (at === null ? null : new Date(at).toISOString());

/** The order folded from its own events (time travel, SSE), in the same shape as the read model. */
export function viewOfState(
  state: OrderState,
  last: RecordedEvent,
  personal: PersonalView | undefined,
): OrderView | null {
  if (!state.orderId || !state.status || !state.customerRef || !state.total) return null;
  return {
    orderId: state.orderId,
    status: state.status,
    items: state.items,
    total: state.total,
    refunded: state.refund?.amount ?? money(0, state.total.currency),
    ...personalFields(state.status, state.reason, state.erased, personal),
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
export function changesOf(
  orderId: string,
  events: RecordedEvent[],
  afterPosition: number,
  personal: PersonalView | undefined,
): OrderChange[] {
  const changes: OrderChange[] = [];
  foldOrder(events, (state, event) => {
    if (event.position <= afterPosition || !state.status) return;
    changes.push({
      orderId,
      position: event.position,
      type: event.type,
      status: state.status,
      order: viewOfState(state, event, personal),
    });
  });
  return changes;
}
