import { randomUUID } from 'node:crypto';
import type { OrderEvent, OrderLine } from '../domain/events';
import { orderStreamId } from '../domain/events';
import type { EventStore, NewEvent } from '../eventstore';
import { COMPLETED_EVENTS, SAGA_PATHS } from './sagaPaths';

type EventType = OrderEvent['type'];

/** A saga from before authorize/capture: the card charged at once, and refunded when undone. */
const CHARGED = ['OrderPlaced', 'PaymentCharged', 'BrewingStarted', 'OrderReady'] as const;
const chargedThenUndone = (end: 'OrderFailed' | 'OrderCancelled') =>
  ['OrderPlaced', 'PaymentCharged', 'BrewingStarted', 'DrinkDiscarded', 'PaymentRefunded', end] as const;

/**
 * Orders written straight to the log, without a saga, for projection specs and the rebuild
 * benchmark. The `held…` paths are today's sagas (a hold, captured when ready, voided when undone):
 * their facts come from the saga-path catalogue. The others are sagas from before authorize/capture
 * (a charge, refunded when undone), whose streams the read models must still fold; all with the
 * notifier's `CustomerNotified` where it would add one; in-flight orders stop part-way.
 */
const SIMULATED_EVENTS = {
  completed: [...CHARGED, 'CustomerNotified', 'OrderPickedUp', 'OrderCompleted'],
  declined: SAGA_PATHS.declinedCard.events,
  failed: chargedThenUndone('OrderFailed'),
  cancelledBrewing: chargedThenUndone('OrderCancelled'),
  // Cancelled while the charge was still being retried: a recorded no-op refund.
  cancelledUnpaid: ['OrderPlaced', 'PaymentRefunded', 'OrderCancelled'],
  abandoned: [...CHARGED, 'DrinkDiscarded', 'OrderAbandoned', 'CustomerNotified'],
  awaitingPickup: CHARGED,
  brewing: CHARGED.slice(0, 3),
  queued: CHARGED.slice(0, 2),
  heldCompleted: SAGA_PATHS.happy.events,
  heldFailed: SAGA_PATHS.machineBroken.events,
  heldCancelledBrewing: SAGA_PATHS.cancelWhileBrewing.events,
  heldAbandoned: SAGA_PATHS.abandoned.events,
  heldRejectedBeyondLimit: SAGA_PATHS.rejectedBeyondLimit.events,
  heldAwaitingPickup: COMPLETED_EVENTS.slice(0, 5),
  heldBrewing: COMPLETED_EVENTS.slice(0, 3),
} as const satisfies Record<string, readonly EventType[]>;

export type SimulatedPath = keyof typeof SIMULATED_EVENTS;
export const SIMULATED_PATHS = Object.keys(SIMULATED_EVENTS) as SimulatedPath[];

const PRICES: Record<string, number> = { espresso: 300, latte: 450, mocha: 500, tea: 280 };
const DRINKS = Object.keys(PRICES);
const MINUTE = 60_000;

export interface OrderSpec {
  orderId: string;
  path: SimulatedPath;
  customer?: string;
  /** When it was placed; later steps follow a minute apart. */
  at?: Date;
  items?: OrderLine[];
}

export function line(drink: string, quantity = 1): OrderLine {
  return { drink, size: 'medium', quantity, unitPrice: { amount: PRICES[drink] ?? 400, currency: 'USD' } };
}

/** A deterministic spread of drinks for the n-th order. */
export const itemsFor = (n: number): OrderLine[] =>
  n % 3 === 0 ? [line(DRINKS[n % 4]!, 2), line('tea')] : [line(DRINKS[n % 4]!, 1 + (n % 2))];

/** The events of one order's saga, in stream order. */
export function sagaEvents({ orderId, path, at = new Date(), items }: OrderSpec): OrderEvent[] {
  const lines = items ?? [line('latte', 2)];
  const total = {
    amount: lines.reduce((sum, l) => sum + l.unitPrice.amount * l.quantity, 0),
    currency: 'USD',
  };
  const drinks = lines.reduce((sum, l) => sum + l.quantity, 0);
  let minute = 0;
  const when = () => new Date(at.getTime() + minute++ * MINUTE).toISOString();
  const types: readonly EventType[] = SIMULATED_EVENTS[path];
  const end = types.findLast((type) => type in DISCARD_REASONS) as keyof typeof DISCARD_REASONS;
  const wasCharged = types.includes('PaymentCharged') || types.includes('PaymentCaptured');
  let rejections = 0;
  let remakes = 0;
  const data = (type: EventType, previous: EventType | undefined): Record<string, unknown> => {
    switch (type) {
      case 'OrderPlaced':
        // The name itself lives in the vault, as a real order's does; `customer` only tells specs apart.
        return {
          customerRef: `vault:${orderId}/customer`,
          items: lines,
          total,
          paymentTokenLast4: '4242',
          pickupWindowSeconds: 1800,
        };
      case 'PaymentCharged':
        return { amount: total, chargeId: `ch_${orderId}` };
      case 'PaymentAuthorized':
        return { amount: total, authorizationId: `au_${orderId}` };
      case 'PaymentCaptured':
        return { amount: total, captureId: `cp_${orderId}` };
      case 'AuthorizationVoided':
        return { amount: total, voidId: `vo_${orderId}` };
      case 'DrinkRejected':
        rejections += 1;
        return { reason: 'not what I ordered', rejection: rejections, maxRemakes: 2, by: 'customer' };
      case 'PaymentDeclined':
      case 'OrderRejected':
        return { reason: 'card declined' };
      case 'BrewingStarted':
        return rejections > 0 ? { drinks, remake: ++remakes } : { drinks };
      case 'OrderReady':
        return { pickupDeadline: new Date(at.getTime() + 60 * MINUTE).toISOString() };
      case 'CustomerNotified':
        return { message: previous === 'OrderAbandoned' ? 'abandoned' : 'ready' };
      case 'PaymentRefunded': {
        const amount = wasCharged ? total.amount : 0;
        return { amount: { amount, currency: 'USD' }, refundId: amount ? `re_${orderId}` : null };
      }
      case 'DrinkDiscarded':
        return { drinks, reason: previous === 'DrinkRejected' ? 'rejected' : DISCARD_REASONS[end] };
      case 'OrderFailed':
        return { reason: 'machine broken' };
      case 'OrderCancelled':
        return { reason: 'customer' };
      default:
        return {};
    }
  };
  return types.map(
    (type, index) => ({ type, data: { orderId, at: when(), ...data(type, types[index - 1]) } }) as OrderEvent,
  );
}

/** Why drinks went down the drain, by how the saga ended. */
const DISCARD_REASONS = {
  OrderFailed: 'brew_failed',
  OrderCancelled: 'cancelled',
  OrderAbandoned: 'not_picked_up',
} as const;

export const toNewEvent = (event: OrderEvent): NewEvent => ({
  eventId: randomUUID(),
  type: event.type,
  data: event.data as unknown as Record<string, unknown>,
  metadata: { correlationId: event.data.orderId },
});

/** Appends each order's events one step at a time, interleaved across orders, as concurrent sagas would. */
export async function appendInterleaved(store: EventStore, orders: readonly OrderSpec[]): Promise<number[]> {
  const pending = orders.map((order) => ({ order, events: sagaEvents(order), version: 0 }));
  const positions: number[] = [];
  while (pending.some((p) => p.version < p.events.length)) {
    await Promise.all(
      pending
        .filter((p) => p.version < p.events.length)
        .map(async (p) => {
          const event = p.events[p.version]!;
          const { positions: appended } = await store.append(orderStreamId(p.order.orderId), p.version, [
            toNewEvent(event),
          ]);
          p.version += 1;
          positions.push(...appended);
        }),
    );
  }
  return positions;
}

/** A mixed load: `n` orders cycling through every saga path, spread over a few days. */
export function mixedOrders(
  n: number,
  prefix = 'mix',
  start = new Date('2026-11-20T08:00:00Z'),
): OrderSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    orderId: `${prefix}-${i}`,
    path: SIMULATED_PATHS[i % SIMULATED_PATHS.length]!,
    customer: ['Ana', 'Ben', 'Chloé', 'Dev'][i % 4]!,
    at: new Date(start.getTime() + i * 37 * MINUTE),
    items: itemsFor(i),
  }));
}
