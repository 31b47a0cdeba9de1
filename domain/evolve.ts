import type { OrderEvent, OrderLine, WriteOffReason } from './events';
import type { Money } from './money';
import { personalRef } from './personalData';
import type { OrderStatus } from './status';

/** An order's state folded from its events. `status` is null until `OrderPlaced`. */
export interface OrderState {
  orderId: string | null;
  status: OrderStatus | null;
  /** Where the customer's name lives in the vault. */
  customerRef: string | null;
  /** `OrderDataErased` was recorded: the vault holds nothing of this order any more. */
  erased: boolean;
  items: OrderLine[];
  total: Money | null;
  paymentTokenLast4: string | null;
  pickupWindowSeconds: number | null;
  pickupDeadline: string | null;
  /** Money taken: a capture, or an old saga's charge. */
  charge: { chargeId: string; amount: Money } | null;
  /** The hold placed when the order was paid for. */
  authorization: { authorizationId: string; amount: Money } | null;
  /** The hold released (amount zero when none had landed). */
  voided: { voidId: string; amount: Money } | null;
  /** Set by `PaymentRefunded`; amount zero and refundId null when there was nothing to refund. */
  refund: { refundId: string | null; amount: Money } | null;
  discarded: { drinks: number; reason: WriteOffReason } | null;
  /** Drinks sent back so far, and brews made again for them (a rejection past the limit is not remade). */
  rejections: number;
  remakes: number;
  /** The machine runs that made the drinks now on the counter. */
  batchIds: string[];
  /** Why the order was rejected, failed or cancelled. */
  reason: string | null;
  notified: boolean;
  notifications: ('ready' | 'abandoned' | 'refunded')[];
  timestamps: OrderTimestamps;
  /** How many events were folded: the stream version. */
  version: number;
}

export interface OrderTimestamps {
  placedAt: string | null;
  paidAt: string | null;
  declinedAt: string | null;
  rejectedAt: string | null;
  brewingAt: string | null;
  readyAt: string | null;
  pickedUpAt: string | null;
  completedAt: string | null;
  discardedAt: string | null;
  refundedAt: string | null;
  failedAt: string | null;
  cancelledAt: string | null;
  abandonedAt: string | null;
  notifiedAt: string | null;
}

export const initialOrderState = (): OrderState => ({
  orderId: null,
  status: null,
  customerRef: null,
  erased: false,
  items: [],
  total: null,
  paymentTokenLast4: null,
  pickupWindowSeconds: null,
  pickupDeadline: null,
  charge: null,
  authorization: null,
  voided: null,
  refund: null,
  discarded: null,
  rejections: 0,
  remakes: 0,
  batchIds: [],
  reason: null,
  notified: false,
  notifications: [],
  timestamps: {
    placedAt: null,
    paidAt: null,
    declinedAt: null,
    rejectedAt: null,
    brewingAt: null,
    readyAt: null,
    pickedUpAt: null,
    completedAt: null,
    discardedAt: null,
    refundedAt: null,
    failedAt: null,
    cancelledAt: null,
    abandonedAt: null,
    notifiedAt: null,
  },
  version: 0,
});

/**
 * Folds one event into the state; pure, total, and exhaustive over the event union. The state
 * is copied once per event (the timestamps only when the event sets one) and the copy edited:
 * a rebuild folds every event of the log through here.
 */
export function evolve(state: OrderState, event: OrderEvent): OrderState {
  const next = copyOf(state);
  next.orderId = event.data.orderId;
  next.version = state.version + 1;
  switch (event.type) {
    case 'OrderPlaced': {
      const { items, total, paymentTokenLast4, pickupWindowSeconds } = event.data;
      next.status = 'PLACED';
      // Events written before the vault carried the name itself: it is not shown any more.
      next.customerRef = event.data.customerRef ?? personalRef(event.data.orderId, 'customer');
      next.items = items;
      next.total = total;
      next.paymentTokenLast4 = paymentTokenLast4;
      next.pickupWindowSeconds = pickupWindowSeconds;
      return stamped(next, 'placedAt', event.data.at);
    }
    case 'PaymentCharged':
      next.status = 'PAID';
      next.charge = { chargeId: event.data.chargeId, amount: event.data.amount };
      return stamped(next, 'paidAt', event.data.at);
    case 'PaymentAuthorized':
      next.status = 'PAID';
      next.authorization = { authorizationId: event.data.authorizationId, amount: event.data.amount };
      return stamped(next, 'paidAt', event.data.at);
    case 'PaymentCaptured':
      next.charge = { chargeId: event.data.captureId, amount: event.data.amount };
      return next;
    case 'AuthorizationVoided':
      next.voided = { voidId: event.data.voidId, amount: event.data.amount };
      return next;
    case 'PaymentDeclined':
      next.reason = event.data.reason;
      return stamped(next, 'declinedAt', event.data.at);
    case 'OrderRejected':
      next.status = 'REJECTED';
      next.reason = event.data.reason;
      return stamped(next, 'rejectedAt', event.data.at);
    case 'BrewingStarted':
      next.status = 'BREWING';
      next.remakes = event.data.remake ?? state.remakes;
      return stamped(next, 'brewingAt', event.data.at);
    case 'OrderReady':
      next.status = 'READY';
      next.pickupDeadline = event.data.pickupDeadline;
      next.batchIds = event.data.batchIds ?? [];
      return stamped(next, 'readyAt', event.data.at);
    case 'DrinkRejected':
      next.rejections = event.data.rejection;
      return next;
    case 'OrderPickedUp':
      next.status = 'PICKED_UP';
      return stamped(next, 'pickedUpAt', event.data.at);
    case 'OrderCompleted':
      next.status = 'COMPLETED';
      return stamped(next, 'completedAt', event.data.at);
    case 'DrinkDiscarded':
      next.discarded = { drinks: event.data.drinks, reason: event.data.reason };
      return stamped(next, 'discardedAt', event.data.at);
    case 'PaymentRefunded':
      next.refund = { refundId: event.data.refundId, amount: event.data.amount };
      return stamped(next, 'refundedAt', event.data.at);
    case 'OrderFailed':
      next.status = 'FAILED';
      next.reason = event.data.reason;
      return stamped(next, 'failedAt', event.data.at);
    case 'OrderCancelled':
      next.status = 'CANCELLED';
      next.reason = event.data.reason;
      return stamped(next, 'cancelledAt', event.data.at);
    case 'OrderAbandoned':
      next.status = 'ABANDONED';
      return stamped(next, 'abandonedAt', event.data.at);
    case 'CustomerNotified':
      next.notified = true;
      next.notifications = [...state.notifications, event.data.message];
      return stamped(next, 'notifiedAt', event.data.at);
    case 'OrderDataErased':
      next.erased = true;
      return next;
    default: {
      const unknownEvent: never = event;
      throw new Error(`unknown order event: ${JSON.stringify(unknownEvent)}`);
    }
  }
}

/** A shallow copy, every field spelled out: one object shape for all states, cheaper than a spread. */
const copyOf = (state: OrderState): OrderState => ({
  orderId: state.orderId,
  status: state.status,
  customerRef: state.customerRef,
  erased: state.erased,
  items: state.items,
  total: state.total,
  paymentTokenLast4: state.paymentTokenLast4,
  pickupWindowSeconds: state.pickupWindowSeconds,
  pickupDeadline: state.pickupDeadline,
  charge: state.charge,
  authorization: state.authorization,
  voided: state.voided,
  refund: state.refund,
  discarded: state.discarded,
  rejections: state.rejections,
  remakes: state.remakes,
  batchIds: state.batchIds,
  reason: state.reason,
  notified: state.notified,
  notifications: state.notifications,
  timestamps: state.timestamps,
  version: state.version,
});

/** `next` (a fresh copy) with one more timestamp, in a fresh copy of its timestamps. */
function stamped(next: OrderState, key: keyof OrderTimestamps, at: string): OrderState {
  const timestamps = { ...next.timestamps };
  timestamps[key] = at;
  next.timestamps = timestamps;
  return next;
}

/** The state after all of the given events, in order. */
export const foldOrder = (
  events: readonly OrderEvent[],
  from: OrderState = initialOrderState(),
): OrderState => events.reduce(evolve, from);
