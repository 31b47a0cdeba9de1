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
export type PaymentCharged = Fact<'PaymentCharged', { amount: Money; chargeId: string }>;
export type PaymentDeclined = Fact<'PaymentDeclined', { reason: string }>;
export type OrderRejected = Fact<'OrderRejected', { reason: string }>;
export type BrewingStarted = Fact<'BrewingStarted', { drinks: number }>;
export type OrderReady = Fact<'OrderReady', { pickupDeadline: string }>;
export type OrderPickedUp = Fact<'OrderPickedUp', Record<never, never>>;
export type OrderCompleted = Fact<'OrderCompleted', Record<never, never>>;
/** A write-off: drinks made (or being made) that nobody will drink. */
export type DrinkDiscarded = Fact<
  'DrinkDiscarded',
  { drinks: number; reason: 'brew_failed' | 'cancelled' | 'not_picked_up' }
>;
/** `refundId` is null and `amount` zero when there was no charge to refund (a recorded no-op). */
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
  | PaymentDeclined
  | OrderRejected
  | BrewingStarted
  | OrderReady
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
  'PaymentDeclined',
  'OrderRejected',
  'BrewingStarted',
  'OrderReady',
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
