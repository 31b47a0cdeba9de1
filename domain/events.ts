import type { Money } from './money';

/**
 * Every fact of an order's life, one type per fact. Each carries `orderId` and `at`
 * (an ISO instant supplied by the workflow: time comes in as data, never from a clock here).
 */
export interface OrderLine {
  drink: string;
  size: string;
  quantity: number;
  /** Price of one drink of this size, from the server's menu. */
  unitPrice: Money;
  /** Optional simulator switch for the coffee machine (e.g. "jam", "broken", "slow"). */
  machine?: string;
}

interface Fact<Type extends string, Data> {
  type: Type;
  data: Data & { orderId: string; at: string };
}

export type OrderPlaced = Fact<
  'OrderPlaced',
  {
    /** Where the customer's name lives (`vault:<orderId>/customer`); never the name itself. */
    customerRef: string;
    items: OrderLine[];
    total: Money;
    /** Only the last four characters of the payment token: never the token itself. */
    paymentTokenLast4: string;
    pickupWindowSeconds: number;
  }
>;
/** Sagas before authorize/capture took the money at once; old streams still hold these. */
export type PaymentCharged = Fact<'PaymentCharged', { amount: Money; chargeId: string }>;
/** A hold on the card: the order is paid for, the money not yet taken. */
export type PaymentAuthorized = Fact<'PaymentAuthorized', { amount: Money; authorizationId: string }>;
/** The hold turned into money taken, when the drinks are ready. */
export type PaymentCaptured = Fact<'PaymentCaptured', { amount: Money; captureId: string }>;
/**
 * The hold released (never charged). `amount` is what was held: zero when the authorization never
 * landed, in which case the gateway refuses it if it arrives late.
 */
export type AuthorizationVoided = Fact<'AuthorizationVoided', { amount: Money; voidId: string }>;
export type PaymentDeclined = Fact<'PaymentDeclined', { reason: string }>;
export type OrderRejected = Fact<'OrderRejected', { reason: string }>;
/** `remake` numbers a brew of drinks the customer sent back (1 = the first remake); absent on the first brew. */
export type BrewingStarted = Fact<'BrewingStarted', { drinks: number; remake?: number }>;
/** `batchIds`: the machine runs that made the drinks (the name on the cup); absent when brewed unbatched. */
export type OrderReady = Fact<'OrderReady', { pickupDeadline: string; batchIds?: string[] }>;
export type OrderPickedUp = Fact<'OrderPickedUp', Record<never, never>>;
export type OrderCompleted = Fact<'OrderCompleted', Record<never, never>>;
/**
 * A ready drink sent back: `rejection` counts them, 1 for the first. `reason` is ours; what the
 * customer wrote ("not what I ordered") lives in the vault, at `reasonRef` (older facts carry the words).
 */
export type DrinkRejected = Fact<
  'DrinkRejected',
  { reason: string; reasonRef?: string; rejection: number; maxRemakes: number; by: 'customer' | 'barista' }
>;
export type WriteOffReason = 'brew_failed' | 'cancelled' | 'not_picked_up' | 'rejected';
/** A write-off: drinks made (or being made) that nobody will drink. */
export type DrinkDiscarded = Fact<'DrinkDiscarded', { drinks: number; reason: WriteOffReason }>;
/** Money taken given back. Old sagas recorded a no-op (`refundId` null, `amount` zero) when nothing was charged. */
export type PaymentRefunded = Fact<'PaymentRefunded', { amount: Money; refundId: string | null }>;
export type OrderFailed = Fact<'OrderFailed', { reason: string }>;
/** `reason` is ours; what the customer wrote lives in the vault, at `reasonRef`. */
export type OrderCancelled = Fact<'OrderCancelled', { reason: string; reasonRef?: string }>;
export type OrderAbandoned = Fact<'OrderAbandoned', Record<never, never>>;
/** Written by the notifier once the provider acknowledged a message to the customer. */
export type CustomerNotified = Fact<'CustomerNotified', { message: 'ready' | 'abandoned' | 'refunded' }>;

/** The order's personal data was erased (its vault key destroyed); amounts and statuses remain. */
export type OrderDataErased = Fact<'OrderDataErased', Record<never, never>>;

export type OrderEvent =
  | OrderPlaced
  | PaymentCharged
  | PaymentAuthorized
  | PaymentCaptured
  | AuthorizationVoided
  | PaymentDeclined
  | OrderRejected
  | BrewingStarted
  | OrderReady
  | DrinkRejected
  | OrderPickedUp
  | OrderCompleted
  | DrinkDiscarded
  | PaymentRefunded
  | OrderFailed
  | OrderCancelled
  | OrderAbandoned
  | CustomerNotified
  | OrderDataErased;

export type OrderEventType = OrderEvent['type'];

export const ORDER_EVENT_TYPES: readonly OrderEventType[] = [
  'OrderPlaced',
  'PaymentCharged',
  'PaymentAuthorized',
  'PaymentCaptured',
  'AuthorizationVoided',
  'PaymentDeclined',
  'OrderRejected',
  'BrewingStarted',
  'OrderReady',
  'DrinkRejected',
  'OrderPickedUp',
  'OrderCompleted',
  'DrinkDiscarded',
  'PaymentRefunded',
  'OrderFailed',
  'OrderCancelled',
  'OrderAbandoned',
  'CustomerNotified',
  'OrderDataErased',
];

export const orderStreamId = (orderId: string): string => `order-${orderId}`;
