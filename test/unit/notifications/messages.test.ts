import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { money } from '../../../domain/money';
import type { RecordedEvent } from '../../../eventstore/types';
import {
  customerNotified,
  derivedEventId,
  messageText,
  notificationFor,
} from '../../../notifications/messages';
import { recipientFor, slug } from '../../../notifications/provider';

const orderId = '0b9e5a52-6d7e-4f51-9a34-3b1f4f0c2a10';
const event = (type: string, data: Record<string, unknown>): RecordedEvent => ({
  position: 7,
  streamId: `order-${orderId}`,
  streamVersion: 4,
  eventId: randomUUID(),
  type,
  data: { orderId, at: '2026-11-25T09:00:00.000Z', ...data },
  metadata: {},
  recordedAt: new Date(),
});

describe('which events a customer hears about', () => {
  test('a ready order says "ready", keyed by the event id', () => {
    const ready = event('OrderReady', { pickupDeadline: '2026-11-25T09:30:00.000Z' });
    expect(notificationFor(ready)).toMatchObject({
      kind: 'ready',
      orderId,
      eventId: ready.eventId,
      position: 7,
    });
  });

  test('an abandoned order says "abandoned", a real refund says "refunded"', () => {
    expect(notificationFor(event('OrderAbandoned', {}))?.kind).toBe('abandoned');
    expect(notificationFor(event('PaymentRefunded', { amount: money(450), refundId: 're_1' }))?.kind).toBe(
      'refunded',
    );
  });

  test('a zero refund (nothing was charged) and every other fact say nothing', () => {
    expect(notificationFor(event('PaymentRefunded', { amount: money(0), refundId: null }))).toBeUndefined();
    for (const type of [
      'OrderPlaced',
      'PaymentCharged',
      'BrewingStarted',
      'OrderPickedUp',
      'CustomerNotified',
    ])
      expect(notificationFor(event(type, {}))).toBeUndefined();
  });

  test('the text names the customer and the facts', () => {
    const refund = notificationFor(event('PaymentRefunded', { amount: money(450), refundId: 're_1' }))!;
    expect(messageText(refund, 'Ana')).toBe('Hi Ana, we refunded $4.50 for your order 0b9e5a52.');
    const ready = notificationFor(event('OrderReady', { pickupDeadline: '2026-11-25T09:30:00.000Z' }))!;
    expect(messageText(ready, 'Ana')).toContain('before 09:30 UTC');
  });
});

describe('recipients', () => {
  test('an address is derived from the customer name', () => {
    expect(slug('  Ana María O’Neil ')).toBe('ana-maria-o-neil');
    expect(recipientFor('Ana')).toBe('ana@customers.brew-saga.test');
  });

  test('a name containing "invalid" maps to an address the provider refuses', () => {
    expect(recipientFor('Invalid Ian')).toMatch(/^invalid-ian@/);
  });
});

describe('CustomerNotified', () => {
  test('its id and payload are the same on every retry, so re-appending it is a no-op', () => {
    const intent = notificationFor(event('OrderAbandoned', {}))!;
    const first = customerNotified(intent, '2026-11-25T09:01:00.000Z');
    expect(customerNotified(intent, '2026-11-25T09:01:00.000Z')).toEqual(first);
    expect(first.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first.eventId).not.toBe(intent.eventId);
    expect(first.data).toEqual({ orderId, at: '2026-11-25T09:01:00.000Z', message: 'abandoned' });
    expect(first.metadata).toEqual({ correlationId: orderId, causationId: intent.eventId });
    expect(derivedEventId('CustomerNotified', 'x')).not.toBe(derivedEventId('CustomerNotified', 'y'));
  });
});
