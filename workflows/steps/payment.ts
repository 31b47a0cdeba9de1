import type { ChargePaymentResult } from '../../activities';
import type { PaymentAuthorized, PaymentCharged } from '../../domain';
import { AUTHORIZE_CAPTURE_PATCH } from '../contract';
import { isCardDeclined } from '../failures';
import type { OrderTicket } from '../ticket';
import { authorizeCard, capturePayment, cardOf, returnPayment } from './authorization';

/** How the order was paid for: a hold (captured when ready), or, in sagas from before, a charge. */
export type Paid = PaymentAuthorized | PaymentCharged;

/**
 * Pays for the order. Sagas that started charging before authorize/capture was deployed replay
 * without its patch marker and keep charging (and refunding); decided once, here, for the whole order.
 */
export const payForOrder = (t: OrderTicket): Promise<Paid> =>
  t.has(AUTHORIZE_CAPTURE_PATCH) ? authorizeCard(t) : chargeCard(t);

/** The drinks are made: a hold is captured now; an old saga's charge took the money already. */
export async function takePayment(t: OrderTicket, paid: Paid): Promise<void> {
  if (paid.type === 'PaymentAuthorized') await capturePayment(t);
}

/**
 * Sagas from before authorize/capture: charges the card; money in flight is never abandoned, so no cancel interrupts the charge. The refund
 * is registered whatever the outcome but a decline: a charge that timed out may still have gone through.
 */
export async function chargeCard(t: OrderTicket): Promise<PaymentCharged> {
  const { orderId, order, saga, shop } = t;
  saga.step = 'charging';
  const request = {
    orderId,
    // The token itself stays in the vault: the charge activity reads it there.
    ...cardOf(order),
    amount: order.total,
    idempotencyKey: t.key('charge'),
  };
  let charge: ChargePaymentResult;
  try {
    charge = saga.attempted('chargePayment', await t.shielded(() => shop.chargePayment(request)));
  } catch (error) {
    // A declined card took no money: nothing to refund.
    if (!isCardDeclined(error)) registerRefund(t);
    throw error;
  }
  registerRefund(t);
  return {
    type: 'PaymentCharged',
    data: { orderId, at: t.at(), amount: charge.amount, chargeId: charge.chargeId },
  };
}

const registerRefund = (t: OrderTicket): void => t.compensations.add(REFUND, () => refundCharge(t));

/** The compensation that gives taken money back, by name in the saga's `status`. */
export const REFUND = 'refundPayment';

/**
 * Gives the customer's money back, and records it: a failed remake (the money was taken by then).
 * An order paid for with a hold goes back by key (`returnPayment`: void, or refund of the capture);
 * a saga from before authorize/capture refunds its charge.
 */
export const returnTheMoney = (t: OrderTicket): Promise<void> =>
  t.journal.state.authorization ? returnPayment(t) : refundCharge(t);

/** Sagas from before authorize/capture: refunds the charge by its key, and records it. */
async function refundCharge({ orderId, order, saga, shop, journal, key, at }: OrderTicket): Promise<void> {
  const request = { orderId, amount: order.total, chargeKey: key('charge'), idempotencyKey: key('refund') };
  const { amount, refundId } = saga.attempted('refundPayment', await shop.refundPayment(request));
  await journal.record([{ type: 'PaymentRefunded', data: { orderId, at: at(), amount, refundId } }]);
}
