import { describe, expect, test } from 'vitest';
import { placeOrder, priceOrder, summarizeOrder, validatePlaceOrder } from '../../../domain';

const valid = {
  customer: 'Ana',
  items: [{ drink: 'latte', size: 'medium', quantity: 2 }],
  payment: { token: 'tok_visa_4242' },
};

describe('validatePlaceOrder', () => {
  test('given a well-formed order, when validated, then it is accepted with the customer trimmed', () => {
    const result = validatePlaceOrder({ ...valid, customer: '  Ana ' });
    expect(result).toEqual({ ok: true, value: { ...valid, customer: 'Ana' } });
  });

  test('given every kind of mistake at once, when validated, then each is reported with its field', () => {
    const result = validatePlaceOrder({
      customer: ' ',
      items: [
        { drink: 'frappuccino', size: 'venti', quantity: 0 },
        { drink: 'tea', size: 'small', quantity: 11, machine: 'on_fire' },
        'latte',
      ],
      payment: { token: '4242424242424242' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => error.field)).toEqual([
      'customer',
      'items[0].drink',
      'items[0].size',
      'items[0].quantity',
      'items[1].quantity',
      'items[1].machine',
      'items[2]',
      'payment.token',
    ]);
  });

  test.each([
    ['no lines', { ...valid, items: [] }, 'items'],
    ['21 lines', { ...valid, items: Array.from({ length: 21 }, () => valid.items[0]) }, 'items'],
    ['no payment', { customer: 'Ana', items: valid.items }, 'payment'],
    ['an empty token', { ...valid, payment: { token: '' } }, 'payment.token'],
    ['a customer of 81 characters', { ...valid, customer: 'x'.repeat(81) }, 'customer'],
    [
      'a fractional quantity',
      { ...valid, items: [{ drink: 'tea', size: 'large', quantity: 1.5 }] },
      'items[0].quantity',
    ],
  ])('given %s, when validated, then it is refused on that field', (_name, input, field) => {
    const result = validatePlaceOrder(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((error) => error.field)).toEqual([field]);
  });

  test('given not an object, when validated, then it is refused as a whole', () => {
    expect(validatePlaceOrder('latte please')).toEqual({
      ok: false,
      errors: [{ field: '', message: 'must be an object' }],
    });
  });

  test('given a machine switch, when validated, then it is kept (and "normal" means none)', () => {
    const result = validatePlaceOrder({
      ...valid,
      items: [
        { drink: 'mocha', size: 'large', quantity: 1, machine: 'jam' },
        { drink: 'tea', size: 'small', quantity: 1, machine: 'normal' },
      ],
    });
    expect(result.ok && result.value.items).toEqual([
      { drink: 'mocha', size: 'large', quantity: 1, machine: 'jam' },
      { drink: 'tea', size: 'small', quantity: 1 },
    ]);
  });
});

describe('priceOrder and placeOrder', () => {
  test('given lines, when priced, then unit prices come from the menu and the total is in cents', () => {
    const { items, total } = priceOrder([
      { drink: 'latte', size: 'medium', quantity: 2 },
      { drink: 'espresso', size: 'small', quantity: 1 },
    ]);
    expect(items.map((line) => line.unitPrice.amount)).toEqual([450, 250]);
    expect(total).toEqual({ amount: 1150, currency: 'USD' });
  });

  test('given a valid command, when placed, then the order carries its id, time, token and default pickup window', () => {
    const order = placeOrder(
      {
        customer: 'Ana',
        items: [{ drink: 'latte', size: 'medium', quantity: 2 }],
        payment: { token: 'tok_visa_4242' },
      },
      { orderId: 'o-1', now: '2026-11-25T08:00:00.000Z' },
    );
    expect(order).toMatchObject({
      orderId: 'o-1',
      placedAt: '2026-11-25T08:00:00.000Z',
      paymentToken: 'tok_visa_4242',
      pickupWindowSeconds: 1800,
      total: { amount: 900, currency: 'USD' },
    });
    expect(summarizeOrder(order)).toBe('2× latte for Ana — $9.00');
  });

  test('summaries name sizes other than medium and spell drinks out', () => {
    const { items, total } = priceOrder([
      { drink: 'flat_white', size: 'large', quantity: 1 },
      { drink: 'tea', size: 'medium', quantity: 3 },
    ]);
    expect(summarizeOrder({ customer: 'Bo', items, total })).toBe(
      '1× large flat white, 3× tea for Bo — $13.60',
    );
  });
});
