import { describe, expect, test } from 'vitest';
import { isTransient } from '../../../eventstore/consumers';
import type { LoggedEvent } from '../../../eventstore/types';
import { parseOrderChanged } from '../../../projections/readModels/orderSummary';
import { dayOf, identifier, storedOnes } from '../../../projections/sql';

const event = (type: string, orderId: string): LoggedEvent => ({
  type,
  data: { orderId },
  position: 1,
  streamId: `order-${orderId}`,
  streamVersion: 1,
  eventId: 'e',
  metadata: {},
  recordedAt: new Date(0),
  transactionId: '1',
});

describe('projection helpers', () => {
  test('an order_changed payload names the order and the position', () => {
    expect(parseOrderChanged('a1b2:42')).toEqual({ orderId: 'a1b2', position: 42 });
  });

  test('a day is the UTC calendar day, whatever offset the instant was written with', () => {
    expect(dayOf('2026-11-24T23:59:59.999Z')).toBe('2026-11-24');
    expect(dayOf('2026-11-25T01:00:00+02:00')).toBe('2026-11-24');
  });

  test('only plain identifiers become table names', () => {
    expect(identifier('order_summary_rebuild')).toBe('order_summary_rebuild');
    expect(() => identifier('order_summary; DROP TABLE events')).toThrow(/identifier/);
  });

  test('a page loads only the orders placed before it', () => {
    const page = [event('OrderPlaced', 'new'), event('PaymentCharged', 'new'), event('OrderReady', 'old')];
    expect(storedOnes(page)).toEqual(['old']);
    expect(storedOnes(page, (e) => e.type === 'PaymentCharged')).toEqual([]);
  });

  test('connection trouble is retried; anything else a handler throws is the event’s fault', () => {
    expect(isTransient(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(true);
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransient(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    expect(isTransient(new TypeError("Cannot read properties of undefined (reading 'amount')"))).toBe(false);
    expect(isTransient(Object.assign(new Error('invalid input syntax'), { code: '22P02' }))).toBe(false);
  });
});
