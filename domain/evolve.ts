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

/** Folds one event into the state; pure, total, and exhaustive over the event union. */
export function evolve(state: OrderState, event: OrderEvent): OrderState {
  const next: OrderState = { ...state, orderId: event.data.orderId, version: state.version + 1 };
  const at = (key: keyof OrderTimestamps) => ({ ...state.timestamps, [key]: event.data.at });
  switch (event.type) {
    case 'OrderPlaced': {
      const { items, total, paymentTokenLast4, pickupWindowSeconds } = event.data;
      return {
        ...next,
        status: 'PLACED',
        // Events written before the vault carried the name itself: it is not shown any more.
        customerRef: event.data.customerRef ?? personalRef(event.data.orderId, 'customer'),
        items,
        total,
        paymentTokenLast4,
        pickupWindowSeconds,
        timestamps: at('placedAt'),
      };
    }
    case 'PaymentCharged':
      return {
        ...next,
        status: 'PAID',
        charge: { chargeId: event.data.chargeId, amount: event.data.amount },
        timestamps: at('paidAt'),
      };
    case 'PaymentAuthorized':
      return {
        ...next,
        status: 'PAID',
        authorization: { authorizationId: event.data.authorizationId, amount: event.data.amount },
        timestamps: at('paidAt'),
      };
    case 'PaymentCaptured':
      return { ...next, charge: { chargeId: event.data.captureId, amount: event.data.amount } };
    case 'AuthorizationVoided':
      return { ...next, voided: { voidId: event.data.voidId, amount: event.data.amount } };
    case 'PaymentDeclined':
      return { ...next, reason: event.data.reason, timestamps: at('declinedAt') };
    case 'OrderRejected':
      return { ...next, status: 'REJECTED', reason: event.data.reason, timestamps: at('rejectedAt') };
    case 'BrewingStarted':
      return {
        ...next,
        status: 'BREWING',
        remakes: event.data.remake ?? state.remakes,
        timestamps: at('brewingAt'),
      };
    case 'OrderReady':
      return {
        ...next,
        status: 'READY',
        pickupDeadline: event.data.pickupDeadline,
        batchIds: event.data.batchIds ?? [],
        timestamps: at('readyAt'),
      };
    case 'DrinkRejected':
      return { ...next, rejections: event.data.rejection };
    case 'OrderPickedUp':
      return { ...next, status: 'PICKED_UP', timestamps: at('pickedUpAt') };
    case 'OrderCompleted':
      return { ...next, status: 'COMPLETED', timestamps: at('completedAt') };
    case 'DrinkDiscarded':
      return {
        ...next,
        discarded: { drinks: event.data.drinks, reason: event.data.reason },
        timestamps: at('discardedAt'),
      };
    case 'PaymentRefunded':
      return {
        ...next,
        refund: { refundId: event.data.refundId, amount: event.data.amount },
        timestamps: at('refundedAt'),
      };
    case 'OrderFailed':
      return { ...next, status: 'FAILED', reason: event.data.reason, timestamps: at('failedAt') };
    case 'OrderCancelled':
      return { ...next, status: 'CANCELLED', reason: event.data.reason, timestamps: at('cancelledAt') };
    case 'OrderAbandoned':
      return { ...next, status: 'ABANDONED', timestamps: at('abandonedAt') };
    case 'CustomerNotified':
      return {
        ...next,
        notified: true,
        notifications: [...state.notifications, event.data.message],
        timestamps: at('notifiedAt'),
      };
    case 'OrderDataErased':
      return { ...next, erased: true };
    default: {
      const unknownEvent: never = event;
      throw new Error(`unknown order event: ${JSON.stringify(unknownEvent)}`);
    }
  }
}

/** The state after all of the given events, in order. */
export const foldOrder = (
  events: readonly OrderEvent[],
  from: OrderState = initialOrderState(),
): OrderState => events.reduce(evolve, from);
