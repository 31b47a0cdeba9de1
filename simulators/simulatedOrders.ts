import { randomUUID } from 'node:crypto';
import type { OrderEvent, OrderLine } from '../domain/events';
import { orderStreamId } from '../domain/events';
import type { EventStore, NewEvent } from '../eventstore';
import { COMPLETED_EVENTS, SAGA_PATHS } from './sagaPaths';

type EventType = OrderEvent['type'];

/**
 * Orders written straight to the log, without a saga, for projection specs and the rebuild
 * benchmark: each settled path's facts come from the saga-path catalogue (with the notifier's
 * `CustomerNotified` where it would add one); in-flight orders stop part-way.
 */
const SIMULATED_EVENTS = {
  completed: [...COMPLETED_EVENTS.slice(0, 4), 'CustomerNotified', ...COMPLETED_EVENTS.slice(4)],
  declined: SAGA_PATHS.declinedCard.events,
  failed: SAGA_PATHS.machineBroken.events,
  cancelledBrewing: SAGA_PATHS.cancelWhileBrewing.events,
  // Cancelled while the charge was still being retried: a recorded no-op refund.
  cancelledUnpaid: ['OrderPlaced', 'PaymentRefunded', 'OrderCancelled'],
  abandoned: [...SAGA_PATHS.abandoned.events, 'CustomerNotified'],
  awaitingPickup: COMPLETED_EVENTS.slice(0, 4),
  brewing: COMPLETED_EVENTS.slice(0, 3),
  queued: COMPLETED_EVENTS.slice(0, 2),
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
export function sagaEvents({
  orderId,
  path,
  customer = 'Ana',
  at = new Date(),
  items,
}: OrderSpec): OrderEvent[] {
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
  const wasCharged = types.includes('PaymentCharged');
  const data = (type: EventType, previous: EventType | undefined): Record<string, unknown> => {
    switch (type) {
      case 'OrderPlaced':
        return { customer, items: lines, total, paymentTokenLast4: '4242', pickupWindowSeconds: 1800 };
      case 'PaymentCharged':
        return { amount: total, chargeId: `ch_${orderId}` };
      case 'PaymentDeclined':
      case 'OrderRejected':
        return { reason: 'card declined' };
      case 'BrewingStarted':
        return { drinks };
      case 'OrderReady':
        return { pickupDeadline: new Date(at.getTime() + 60 * MINUTE).toISOString() };
      case 'CustomerNotified':
        return { message: previous === 'OrderAbandoned' ? 'abandoned' : 'ready' };
      case 'PaymentRefunded': {
        const amount = wasCharged ? total.amount : 0;
        return { amount: { amount, currency: 'USD' }, refundId: amount ? `re_${orderId}` : null };
      }
      case 'DrinkDiscarded':
        return { drinks, reason: DISCARD_REASONS[end] };
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
