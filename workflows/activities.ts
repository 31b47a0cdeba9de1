import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { BaristaActivities, OrderActivities } from '../activities';
import { summarizeOrder } from '../domain';
import {
  APPEND,
  BREW,
  CHARGE,
  DISCARD,
  LOCAL_APPEND,
  LOCAL_APPENDS_BY_DEFAULT,
  paymentOptions,
  REFUND,
} from './activityOptions';
import { BARISTA_TASK_QUEUE } from './contract';
import type { OrderSagaInput } from './definitions';

/** The activities one order's saga calls, each carrying a human summary for the Web UI. */
export function shopActivities(order: OrderSagaInput) {
  const about = summarizeOrder(order);
  const barista = { taskQueue: order.baristaTaskQueue ?? BARISTA_TASK_QUEUE };
  // Appends carry no summary: four per order, and the activity's name already says it all.
  const { appendOrderEvents } =
    (order.localAppends ?? LOCAL_APPENDS_BY_DEFAULT)
      ? proxyLocalActivities<OrderActivities>(LOCAL_APPEND)
      : proxyActivities<OrderActivities>(APPEND);
  const { chargePayment } = proxyActivities<OrderActivities>({ ...CHARGE, summary: `charge ${about}` });
  const { refundPayment } = proxyActivities<OrderActivities>({ ...REFUND, summary: `refund ${about}` });
  const payment = paymentOptions(order.paymentGiveUpSeconds);
  const { authorizePayment } = proxyActivities<OrderActivities>({
    ...payment.authorize,
    summary: `authorize ${about}`,
  });
  const { capturePayment } = proxyActivities<OrderActivities>({
    ...payment.settle,
    summary: `capture ${about}`,
  });
  const { voidPayment } = proxyActivities<OrderActivities>({ ...payment.settle, summary: `void ${about}` });
  const { refundCapture } = proxyActivities<OrderActivities>({
    ...payment.settle,
    summary: `refund ${about}`,
  });
  const { brewDrinks } = proxyActivities<BaristaActivities>({
    ...BREW,
    ...barista,
    summary: `brew ${about}`,
  });
  const { discardDrinks } = proxyActivities<BaristaActivities>({
    ...DISCARD,
    ...barista,
    summary: `write off ${about}`,
  });
  return {
    appendOrderEvents,
    chargePayment,
    refundPayment,
    authorizePayment,
    capturePayment,
    voidPayment,
    refundCapture,
    brewDrinks,
    discardDrinks,
  };
}

export type ShopActivities = ReturnType<typeof shopActivities>;

/** The barista's brew for a remake, summarised as one ("remake 1 of 2: brew 2× latte for Ana — $9.00"). */
export function remakeBrew(order: OrderSagaInput, remake: number, maxRemakes: number) {
  const summary = `remake ${remake} of ${maxRemakes}: brew ${summarizeOrder(order)}`;
  const taskQueue = order.baristaTaskQueue ?? BARISTA_TASK_QUEUE;
  return proxyActivities<BaristaActivities>({ ...BREW, taskQueue, summary }).brewDrinks;
}
