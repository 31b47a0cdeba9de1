import { describe, expect, test } from 'vitest';
import { evolve, foldOrder, initialOrderState, type OrderEvent, type OrderState } from '../../../domain';

// Given some events, when one more happens, then the order is in this state.
const orderId = 'o-1';
const at = (minute: number) => `2026-11-25T08:${String(minute).padStart(2, '0')}:00.000Z`;
const usd = (amount: number) => ({ amount, currency: 'USD' });

const placed: OrderEvent = {
  type: 'OrderPlaced',
  data: {
    orderId,
    at: at(0),
    customerRef: `vault:${orderId}/customer`,
    items: [{ drink: 'latte', size: 'medium', quantity: 2, unitPrice: usd(450) }],
    total: usd(900),
    paymentTokenLast4: '4242',
    pickupWindowSeconds: 1800,
  },
};
const charged: OrderEvent = {
  type: 'PaymentCharged',
  data: { orderId, at: at(1), amount: usd(900), chargeId: 'ch_1' },
};
const brewing: OrderEvent = { type: 'BrewingStarted', data: { orderId, at: at(2), drinks: 2 } };
const ready: OrderEvent = { type: 'OrderReady', data: { orderId, at: at(5), pickupDeadline: at(35) } };

const given = (...events: OrderEvent[]): OrderState => foldOrder(events);
const when = (state: OrderState, event: OrderEvent) => evolve(state, event);

describe('evolve', () => {
  test('given nothing, when an order is placed, then it is PLACED with a reference to its customer, lines and total', () => {
    const state = when(initialOrderState(), placed);
    expect(state).toMatchObject({
      orderId,
      status: 'PLACED',
      customerRef: `vault:${orderId}/customer`,
      total: usd(900),
      paymentTokenLast4: '4242',
      version: 1,
    });
    expect(state.timestamps.placedAt).toBe(at(0));
  });

  test('given a placed order, when the payment is charged, then it is PAID with the charge', () => {
    expect(when(given(placed), charged)).toMatchObject({ status: 'PAID', charge: { chargeId: 'ch_1' } });
  });

  test('given a placed order, when the card is declined and the order rejected, then it is REJECTED with the reason', () => {
    const state = given(
      placed,
      { type: 'PaymentDeclined', data: { orderId, at: at(1), reason: 'card declined' } },
      { type: 'OrderRejected', data: { orderId, at: at(1), reason: 'payment declined: card declined' } },
    );
    expect(state).toMatchObject({
      status: 'REJECTED',
      reason: 'payment declined: card declined',
      charge: null,
    });
    expect(state.timestamps.declinedAt).toBe(at(1));
  });

  test('given a brewing order, when the machine fails, then drinks are written off, money refunded, FAILED', () => {
    const state = given(
      placed,
      charged,
      brewing,
      { type: 'DrinkDiscarded', data: { orderId, at: at(3), drinks: 2, reason: 'brew_failed' } },
      { type: 'PaymentRefunded', data: { orderId, at: at(3), amount: usd(900), refundId: 're_1' } },
      { type: 'OrderFailed', data: { orderId, at: at(3), reason: 'coffee machine failed' } },
    );
    expect(state).toMatchObject({
      status: 'FAILED',
      discarded: { drinks: 2, reason: 'brew_failed' },
      refund: { refundId: 're_1', amount: usd(900) },
      version: 6,
    });
  });

  test('given a ready order, when it is picked up and completed, then it is COMPLETED with every timestamp', () => {
    const state = given(
      placed,
      charged,
      brewing,
      ready,
      { type: 'OrderPickedUp', data: { orderId, at: at(6) } },
      { type: 'OrderCompleted', data: { orderId, at: at(6) } },
    );
    expect(state.status).toBe('COMPLETED');
    expect(state.pickupDeadline).toBe(at(35));
    expect(state.timestamps).toMatchObject({ readyAt: at(5), pickedUpAt: at(6), completedAt: at(6) });
  });

  test('given a ready order, when the window passes, then drinks are written off and it is ABANDONED, unrefunded', () => {
    const state = given(
      placed,
      charged,
      brewing,
      ready,
      { type: 'DrinkDiscarded', data: { orderId, at: at(35), drinks: 2, reason: 'not_picked_up' } },
      { type: 'OrderAbandoned', data: { orderId, at: at(35) } },
    );
    expect(state).toMatchObject({
      status: 'ABANDONED',
      refund: null,
      discarded: { reason: 'not_picked_up' },
    });
  });

  test('given a brewing order, when it is cancelled, then it is CANCELLED with a no-op refund recorded', () => {
    const state = given(
      placed,
      { type: 'PaymentRefunded', data: { orderId, at: at(1), amount: usd(0), refundId: null } },
      { type: 'OrderCancelled', data: { orderId, at: at(1), reason: 'changed my mind' } },
    );
    expect(state).toMatchObject({ status: 'CANCELLED', refund: { refundId: null, amount: usd(0) } });
  });

  test('given a ready order, when the customer is notified, then it is flagged notified and keeps its status', () => {
    const state = when(given(placed, charged, brewing, ready), {
      type: 'CustomerNotified',
      data: { orderId, at: at(5), message: 'ready' },
    });
    expect(state).toMatchObject({ status: 'READY', notified: true, notifications: ['ready'] });
  });

  test('evolve never mutates the state it is given', () => {
    const before = given(placed);
    const snapshot = structuredClone(before);
    evolve(before, charged);
    expect(before).toEqual(snapshot);
  });
});

describe('authorize and capture', () => {
  const authorized: OrderEvent = {
    type: 'PaymentAuthorized',
    data: { orderId, at: at(1), amount: usd(900), authorizationId: 'au_1' },
  };
  test('a hold makes the order PAID; the capture is the money taken', () => {
    const held = given(placed, authorized);
    expect(held).toMatchObject({ status: 'PAID', authorization: { amount: usd(900) }, charge: null });
    const taken = when(given(placed, authorized, brewing), {
      type: 'PaymentCaptured',
      data: { orderId, at: at(4), amount: usd(900), captureId: 'cp_1' },
    });
    expect(taken).toMatchObject({ status: 'BREWING', charge: { chargeId: 'cp_1', amount: usd(900) } });
  });
  test('a void releases the hold: no charge, no refund', () => {
    const voided = when(given(placed, authorized, brewing), {
      type: 'AuthorizationVoided',
      data: { orderId, at: at(3), amount: usd(900), voidId: 'vo_1' },
    });
    expect(voided).toMatchObject({
      voided: { voidId: 'vo_1', amount: usd(900) },
      charge: null,
      refund: null,
    });
  });
});
