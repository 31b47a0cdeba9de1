import { CancellationScope } from '@temporalio/workflow';
import type { PaymentCharged } from '../../domain';
import { isCardDeclined } from '../failures';
import type { OrderTicket } from '../ticket';

/**
 * Charges the card; money in flight is never abandoned, so no cancel interrupts the charge. Unless the
 * card was declined (no money taken), the refund is registered whatever the outcome: a charge that
 * timed out may still have gone through.
 */
export async function chargeCard(t: OrderTicket): Promise<PaymentCharged> {
  const { orderId, order, saga, shop } = t;
  t.saga.step = 'charging';
  const request = {
    orderId,
    token: order.paymentToken,
    amount: order.total,
    idempotencyKey: t.key('charge'),
  };
  try {
    const charge = await CancellationScope.nonCancellable(() => shop.chargePayment(request));
    saga.attempted('chargePayment', charge);
    registerRefund(t);
    return {
      type: 'PaymentCharged',
      data: { orderId, at: t.at(), amount: charge.amount, chargeId: charge.chargeId },
    };
  } catch (error) {
    if (!isCardDeclined(error)) registerRefund(t);
    throw error;
  }
}

function registerRefund({ orderId, order, saga, shop, journal, compensations, key, at }: OrderTicket): void {
  compensations.add('refundPayment', async () => {
    const request = { orderId, amount: order.total, chargeKey: key('charge'), idempotencyKey: key('refund') };
    const { amount, refundId } = saga.attempted('refundPayment', await shop.refundPayment(request));
    await journal.record([{ type: 'PaymentRefunded', data: { orderId, at: at(), amount, refundId } }]);
  });
}
