import { type CustomerNotified, orderStreamId } from '../domain/events';
import { formatMoney, type Money } from '../domain/money';
import { EventIdConflictError, type EventStore } from '../eventstore';
import type { NewEvent, RecordedEvent } from '../eventstore/types';
import { nameBasedUuid } from '../postgres';
import type { NotificationKind } from './provider';

/** What the log asks us to tell a customer: one per source event, keyed by that event's id. */
export interface NotificationIntent {
  kind: NotificationKind;
  orderId: string;
  /** The source event's id: the message's idempotency key. */
  eventId: string;
  eventType: string;
  position: number;
  /** Facts the text needs (pickup deadline, refunded amount). */
  details: Record<string, unknown>;
}

/**
 * Which events a customer hears about. A refund of zero is the saga's recorded no-op
 * (nothing was charged), so it says nothing to the customer.
 */
export function notificationFor(event: RecordedEvent): NotificationIntent | undefined {
  const orderId = typeof event.data.orderId === 'string' ? event.data.orderId : undefined;
  if (!orderId) return undefined;
  const intent = (kind: NotificationKind, details: Record<string, unknown> = {}): NotificationIntent => ({
    kind,
    orderId,
    eventId: event.eventId,
    eventType: event.type,
    position: event.position,
    details,
  });
  switch (event.type) {
    case 'OrderReady':
      return intent('ready', { pickupDeadline: event.data.pickupDeadline });
    case 'OrderAbandoned':
      return intent('abandoned');
    case 'PaymentRefunded': {
      const amount = event.data.amount as Money | undefined;
      return amount && amount.amount > 0 ? intent('refunded', { amount }) : undefined;
    }
    default:
      return undefined;
  }
}

/** The words the customer reads. */
export function messageText(intent: NotificationIntent, customer: string): string {
  const order = `order ${intent.orderId.slice(0, 8)}`;
  switch (intent.kind) {
    case 'ready': {
      const deadline = intent.details.pickupDeadline;
      const until = typeof deadline === 'string' ? ` Pick it up before ${deadline.slice(11, 16)} UTC.` : '';
      return `Hi ${customer}, your ${order} is ready at the counter.${until}`;
    }
    case 'abandoned':
      return `Hi ${customer}, your ${order} was not picked up in time, so we had to let it go.`;
    case 'refunded': {
      const amount = intent.details.amount as Money;
      return `Hi ${customer}, we refunded ${formatMoney(amount)} for your ${order}.`;
    }
  }
}

/**
 * `CustomerNotified` for an acknowledged message. Its id derives from the source event's id
 * and its payload from the provider's (stable) ack, so re-appending after a crash is a no-op.
 */
export function customerNotified(intent: NotificationIntent, acceptedAt: string): NewEvent {
  const event: CustomerNotified = {
    type: 'CustomerNotified',
    data: { orderId: intent.orderId, at: acceptedAt, message: intent.kind },
  };
  return {
    eventId: derivedEventId('CustomerNotified', intent.eventId),
    type: event.type,
    data: event.data,
    metadata: { correlationId: intent.orderId, causationId: intent.eventId },
  };
}

/** A name-based (version 5 style) UUID: the same inputs always give the same id. */
export const derivedEventId = (purpose: string, sourceEventId: string): string =>
  nameBasedUuid(`brew-saga:${purpose}:${sourceEventId}`);

/**
 * Records `CustomerNotified` in the order's stream. False when it was already there with another
 * ack time (a provider that forgot the key): the fact stands, so the caller moves on.
 */
export async function recordCustomerNotified(
  store: Pick<EventStore, 'append'>,
  intent: NotificationIntent,
  acceptedAt: string,
): Promise<boolean> {
  try {
    await store.append(orderStreamId(intent.orderId), 'any', [customerNotified(intent, acceptedAt)]);
    return true;
  } catch (error) {
    if (error instanceof EventIdConflictError) return false;
    throw error;
  }
}
