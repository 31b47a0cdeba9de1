import { randomUUID } from 'node:crypto';
import type { OrderEvent, OrderLine } from '../../../domain/events';
import { orderStreamId } from '../../../domain/events';
import type { EventStore, NewEvent } from '../../../eventstore';

/** Every way an order's saga can go, as the events it appends (in-flight ones stop part-way). */
export const SAGA_PATHS = [
  'completed',
  'declined',
  'failed',
  'cancelledBrewing',
  'cancelledUnpaid',
  'abandoned',
  'awaitingPickup',
  'brewing',
  'queued',
] as const;
export type SagaPath = (typeof SAGA_PATHS)[number];

const PRICES: Record<string, number> = { espresso: 300, latte: 450, mocha: 500, tea: 280 };
const DRINKS = Object.keys(PRICES);
const MINUTE = 60_000;

export interface OrderSpec {
  orderId: string;
  path: SagaPath;
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
  const ev = <E extends OrderEvent>(type: E['type'], data: Omit<E['data'], 'orderId' | 'at'>) =>
    ({ type, data: { orderId, at: when(), ...data } }) as E;
  const placed = ev('OrderPlaced', {
    // The name itself lives in the vault; `customer` only tells specs apart.
    customerRef: `vault:${orderId}/customer`,
    items: lines,
    total,
    paymentTokenLast4: '4242',
    pickupWindowSeconds: 1800,
  });
  const charged = () => ev('PaymentCharged', { amount: total, chargeId: `ch_${orderId}` });
  const brewing = () => ev('BrewingStarted', { drinks });
  const ready = () =>
    ev('OrderReady', { pickupDeadline: new Date(at.getTime() + 60 * MINUTE).toISOString() });
  const refunded = (amount: number) =>
    ev('PaymentRefunded', { amount: { amount, currency: 'USD' }, refundId: amount ? `re_${orderId}` : null });
  const discarded = (reason: 'brew_failed' | 'cancelled' | 'not_picked_up') =>
    ev('DrinkDiscarded', { drinks, reason });
  switch (path) {
    case 'completed':
      return [
        placed,
        charged(),
        brewing(),
        ready(),
        ev('CustomerNotified', { message: 'ready' }),
        ev('OrderPickedUp', {}),
        ev('OrderCompleted', {}),
      ];
    case 'declined':
      return [
        placed,
        ev('PaymentDeclined', { reason: 'card declined' }),
        ev('OrderRejected', { reason: 'card declined' }),
      ];
    case 'failed':
      return [
        placed,
        charged(),
        brewing(),
        discarded('brew_failed'),
        refunded(total.amount),
        ev('OrderFailed', { reason: 'machine broken' }),
      ];
    case 'cancelledBrewing':
      return [
        placed,
        charged(),
        brewing(),
        discarded('cancelled'),
        refunded(total.amount),
        ev('OrderCancelled', { reason: 'customer' }),
      ];
    case 'cancelledUnpaid':
      return [placed, refunded(0), ev('OrderCancelled', { reason: 'customer' })];
    case 'abandoned':
      return [
        placed,
        charged(),
        brewing(),
        ready(),
        discarded('not_picked_up'),
        ev('OrderAbandoned', {}),
        ev('CustomerNotified', { message: 'abandoned' }),
      ];
    case 'awaitingPickup':
      return [placed, charged(), brewing(), ready()];
    case 'brewing':
      return [placed, charged(), brewing()];
    case 'queued':
      return [placed, charged()];
  }
}

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
    path: SAGA_PATHS[i % SAGA_PATHS.length]!,
    customer: ['Ana', 'Ben', 'Chloé', 'Dev'][i % 4]!,
    at: new Date(start.getTime() + i * 37 * MINUTE),
    items: itemsFor(i),
  }));
}
