import { describe, expect, test } from 'vitest';
import { placeOrder, priceOrder, summarizeOrder } from '../../../domain';
import { PlaceOrder } from '../../../domain/placeOrderCommand';

const valid = {
  customer: 'Ana',
  items: [{ drink: 'latte', size: 'medium', quantity: 2 }],
  payment: { token: 'tok_visa_4242' },
};

/** The paths PlaceOrder refuses, e.g. `items.1.size`; empty when the command is valid. */
const refusedPaths = (input: unknown): string[] => {
  const checked = PlaceOrder.safeParse(input);
  return checked.success ? [] : checked.error.issues.map((issue) => issue.path.join('.'));
};

describe('the PlaceOrder command', () => {
  test('given a well-formed order, when checked, then it is accepted with the customer trimmed', () => {
    expect(PlaceOrder.parse({ ...valid, customer: '  Ana ' })).toEqual({ ...valid, customer: 'Ana' });
  });

  test('given every kind of mistake at once, when checked, then each is reported with its path', () => {
    const input = {
      customer: ' ',
      items: [
        { drink: 'frappuccino', size: 'venti', quantity: 0 },
        { drink: 'tea', size: 'small', quantity: 11, machine: 'on_fire' },
        'latte',
      ],
      payment: { token: '4242424242424242' },
    };
    expect(refusedPaths(input)).toEqual([
      'customer',
      'items.0.drink',
      'items.0.size',
      'items.0.quantity',
      'items.1.quantity',
      'items.1.machine',
      'items.2',
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
      'items.0.quantity',
    ],
    ['a client-chosen price', { ...valid, items: [{ ...valid.items[0], unitPrice: 1 }] }, 'items.0'],
  ])('given %s, when checked, then it is refused on that path', (_name, input, path) => {
    expect(refusedPaths(input)).toEqual([path]);
  });

  test('given not an object, when checked, then it is refused as a whole', () => {
    expect(refusedPaths('latte please')).toEqual(['']);
  });

  test('given machine switches, when checked, then they are kept for the coffee machine simulator', () => {
    const lines = [
      { drink: 'mocha', size: 'large', quantity: 1, machine: 'jam' },
      { drink: 'tea', size: 'small', quantity: 1, machine: 'normal' },
    ];
    expect(PlaceOrder.parse({ ...valid, items: lines }).items).toEqual(lines);
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
      customerRef: 'vault:o-1/customer',
      paymentRef: 'vault:o-1/paymentToken',
      paymentTokenLast4: '4242',
      pickupWindowSeconds: 1800,
      total: { amount: 900, currency: 'USD' },
    });
    // Neither the name nor the token travels with the order: only references and the last four.
    expect(JSON.stringify(order)).not.toMatch(/Ana|tok_visa/);
    expect(summarizeOrder(order)).toBe('2× latte, order O1 — $9.00');
  });

  test('summaries name sizes other than medium and spell drinks out', () => {
    const { items, total } = priceOrder([
      { drink: 'flat_white', size: 'large', quantity: 1 },
      { drink: 'tea', size: 'medium', quantity: 3 },
    ]);
    expect(summarizeOrder({ orderId: '0f8c1f3e-3c3b', items, total })).toBe(
      '1× large flat white, 3× tea, order 0F8C1F3E — $13.60',
    );
  });
});
