import type { CardSource, PaymentInput } from '../../activities';
import type { PaymentAuthorized, PaymentCaptured } from '../../domain';
import { READY_IN_ONE_APPEND_PATCH } from '../contract';
import type { OrderSagaInput } from '../definitions';
import { isCardDeclined } from '../failures';
import type { OrderTicket } from '../ticket';

/**
 * The card, by reference: the activity reads the token in the vault, so it never passes Temporal.
 * Sagas started before references carried the token in their input; they keep passing it.
 */
export const cardOf = (order: OrderSagaInput): CardSource => {
  const legacyToken = (order as { paymentToken?: string }).paymentToken;
  return order.paymentRef === undefined && legacyToken !== undefined
    ? { token: legacyToken }
    : { paymentRef: order.paymentRef };
};

const paymentOf = ({ orderId, order, key }: OrderTicket): PaymentInput => ({
  orderId,
  ...cardOf(order),
  amount: order.total,
  paymentKey: key('authorize'),
});

/**
 * Puts a hold on the card. Money in flight is never abandoned: no cancel interrupts the call, and the
 * void is registered whatever the outcome but a decline (an authorization that timed out may still
 * land; voiding its key makes the gateway refuse it). Giving up ends in that void, never in "nothing happened".
 */
export async function authorizeCard(t: OrderTicket): Promise<PaymentAuthorized> {
  const { orderId, saga, shop } = t;
  saga.step = 'authorizing';
  let hold: { authorizationId: string; amount: PaymentAuthorized['data']['amount'] };
  try {
    hold = saga.attempted('authorizePayment', await t.shielded(() => shop.authorizePayment(paymentOf(t))));
  } catch (error) {
    if (!isCardDeclined(error)) registerVoid(t);
    throw error;
  }
  registerVoid(t);
  return {
    type: 'PaymentAuthorized',
    data: { orderId, at: t.at(), amount: hold.amount, authorizationId: hold.authorizationId },
  };
}

/** The drinks are made: the hold becomes money taken, before the customer hears they are ready. */
export async function capturePayment(t: OrderTicket): Promise<void> {
  const { orderId, saga, shop, journal } = t;
  saga.step = 'capturing';
  const { captureId, amount } = saga.attempted(
    'capturePayment',
    await t.shielded(() => shop.capturePayment(paymentOf(t))),
  );
  const captured: PaymentCaptured = {
    type: 'PaymentCaptured',
    data: { orderId, at: t.at(), amount, captureId },
  };
  // Recorded with `OrderReady`, which follows at once; sagas from before the patch record it alone.
  saga.readyInOneAppend = t.has(READY_IN_ONE_APPEND_PATCH);
  if (saga.readyInOneAppend) journal.hold([captured]);
  else await journal.record([captured]);
}

/**
 * Gives the customer's money back by key, whatever became of it: a hold is voided (and a late one
 * refused), a capture refunded. Each outcome is the gateway's definitive answer, recorded as a fact.
 */
export async function returnPayment(t: OrderTicket): Promise<void> {
  const { orderId, saga, shop, journal, at } = t;
  const voided = saga.attempted('voidPayment', await shop.voidPayment(paymentOf(t)));
  if (voided.outcome === 'voided') {
    const { voidId, released: amount } = voided;
    await journal.record([{ type: 'AuthorizationVoided', data: { orderId, at: at(), amount, voidId } }]);
    return;
  }
  const { refundId, amount } = saga.attempted('refundCapture', await shop.refundCapture(paymentOf(t)));
  await journal.record([{ type: 'PaymentRefunded', data: { orderId, at: at(), amount, refundId } }]);
}

const registerVoid = (t: OrderTicket): void => t.compensations.add('voidPayment', () => returnPayment(t));
