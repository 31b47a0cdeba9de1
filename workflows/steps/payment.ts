import { CancellationScope } from '@temporalio/workflow';
import type { ChargePaymentResult } from '../../activities';
import type { PaymentCharged } from '../../domain';
import { isCardDeclined } from '../failures';
import type { OrderTicket } from '../ticket';

/**
 * Charges the card; money in flight is never abandoned, so no cancel interrupts the charge. The refund
 * is registered whatever the outcome but a decline: a charge that timed out may still have gone through.
 */
export async function chargeCard(t: OrderTicket): Promise<PaymentCharged> {
  const { orderId, order, saga, shop } = t;
  saga.step = 'charging';
  const request = {
    orderId,
    token: order.paymentToken,
    amount: order.total,
    idempotencyKey: t.key('charge'),
  };
  let charge: ChargePaymentResult;
  try {
    charge = saga.attempted(
      'chargePayment',
      await CancellationScope.nonCancellable(() => shop.chargePayment(request)),
    );
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

const registerRefund = (t: OrderTicket): void => t.compensations.add(REFUND, () => returnTheMoney(t));

/** The compensation that gives the customer's money back, by name in the saga's `status`. */
export const REFUND = 'refundPayment';

/** Gives the customer's money back, and records it: a cancel, a failed brew, a failed remake. */
export async function returnTheMoney({ orderId, order, saga, shop, journal, key, at }: OrderTicket) {
  const request = { orderId, amount: order.total, chargeKey: key('charge'), idempotencyKey: key('refund') };
  const { amount, refundId } = saga.attempted('refundPayment', await shop.refundPayment(request));
  await journal.record([{ type: 'PaymentRefunded', data: { orderId, at: at(), amount, refundId } }]);
}
