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
    // The token itself stays in the vault: the charge activity reads it there.
    paymentRef: order.paymentRef,
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

function registerRefund({ orderId, order, saga, shop, journal, compensations, key, at }: OrderTicket): void {
  compensations.add('refundPayment', async () => {
    const request = { orderId, amount: order.total, chargeKey: key('charge'), idempotencyKey: key('refund') };
    const { amount, refundId } = saga.attempted('refundPayment', await shop.refundPayment(request));
    await journal.record([{ type: 'PaymentRefunded', data: { orderId, at: at(), amount, refundId } }]);
  });
}
