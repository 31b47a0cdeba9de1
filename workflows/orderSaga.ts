import {
  allHandlersFinished,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { BaristaActivities, OrderActivities } from '../activities';
import {
  drinkCount,
  type OrderEvent,
  type OrderStatus,
  orderStreamId,
  summarizeOrder,
  tokenLast4,
} from '../domain';
import {
  APPEND,
  BREW,
  CHARGE,
  DISCARD,
  LOCAL_APPEND,
  LOCAL_APPENDS_BY_DEFAULT,
  REFUND,
} from './activityOptions';
import { Compensations } from './compensations';
import { BARISTA_TASK_QUEUE, type OrderOutcome, type OrderSagaInput } from './definitions';
import { failureReason, failureType, noteFailedAttempt } from './failures';
import { serveCustomer } from './handlers';
import { OrderJournal } from './journal';
import { SagaState } from './sagaState';
import { customerNameKey, orderStatusKey } from './searchAttributes';

/** One order, told as a story: placed, paid, brewed, picked up; or undone, step by step. */
export async function orderSaga(order: OrderSagaInput): Promise<OrderOutcome> {
  const { workflowId } = workflowInfo();
  const { orderId } = order;
  const about = summarizeOrder(order);
  const drinks = drinkCount(order.items);
  const baristaQueue = order.baristaTaskQueue ?? BARISTA_TASK_QUEUE;
  const at = () => new Date().toISOString();
  const key = (step: string) => `${workflowId}/${step}`;

  // Appends carry no summary: four per order, and the activity's name already says it all.
  const { appendOrderEvents } =
    (order.localAppends ?? LOCAL_APPENDS_BY_DEFAULT)
      ? proxyLocalActivities<OrderActivities>(LOCAL_APPEND)
      : proxyActivities<OrderActivities>(APPEND);
  const { chargePayment } = proxyActivities<OrderActivities>({ ...CHARGE, summary: `charge ${about}` });
  const { refundPayment } = proxyActivities<OrderActivities>({ ...REFUND, summary: `refund ${about}` });
  const barista = { taskQueue: baristaQueue };
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

  const compensations = new Compensations();
  const journal = new OrderJournal(orderStreamId(orderId), appendOrderEvents);
  const saga = new SagaState(orderId, journal, compensations);
  serveCustomer(saga);

  const record = async (status: OrderStatus, events: OrderEvent[]): Promise<number> => {
    const position = await journal.record(events);
    saga.status = status;
    upsertSearchAttributes([{ key: orderStatusKey, value: status }]);
    return position;
  };
  const writeOff = (reason: 'brew_failed' | 'cancelled' | 'not_picked_up'): Promise<OrderEvent> =>
    CancellationScope.nonCancellable(async () => {
      const input = { orderId, drinks, reason, idempotencyKey: key('discard') };
      const { drinks: discarded } = saga.attempted('discardDrinks', await discardDrinks(input));
      return { type: 'DrinkDiscarded', data: { orderId, at: at(), drinks: discarded, reason } };
    });
  const finish = async (): Promise<OrderOutcome> => {
    saga.step = 'done';
    await condition(allHandlersFinished);
    return { orderId, status: saga.status, events: journal.version, lastPosition: journal.lastPosition! };
  };

  // 1. The order is a fact before anything else happens. (startOrderSaga sets these attributes at start.)
  if (workflowInfo().typedSearchAttributes.get(customerNameKey) !== order.customer)
    upsertSearchAttributes([
      { key: customerNameKey, value: order.customer },
      { key: orderStatusKey, value: 'PLACED' },
    ]);
  const { total, items, customer, pickupWindowSeconds } = order;
  const paymentTokenLast4 = tokenLast4(order.paymentToken);
  const placedAt = await record('PLACED', [
    {
      type: 'OrderPlaced',
      data: { orderId, at: order.placedAt, customer, items, total, paymentTokenLast4, pickupWindowSeconds },
    },
  ]);
  saga.placed = { orderId, workflowId, status: 'PLACED', position: placedAt };

  // 2-3. Pay, then brew; each step registers its undo before it runs.
  async function payAndBrew(): Promise<'brewed' | 'cancelled'> {
    if (saga.cancel) return 'cancelled';
    saga.step = 'charging';
    compensations.add('refundPayment', async () => {
      const request = { orderId, amount: total, chargeKey: key('charge'), idempotencyKey: key('refund') };
      const refund = saga.attempted('refundPayment', await refundPayment(request));
      const { amount, refundId } = refund;
      await record(saga.status, [{ type: 'PaymentRefunded', data: { orderId, at: at(), amount, refundId } }]);
    });
    // Money in flight is never abandoned: the charge settles before any cancel is acted on.
    const request = { orderId, token: order.paymentToken, amount: total, idempotencyKey: key('charge') };
    const charge = saga.attempted(
      'chargePayment',
      await CancellationScope.nonCancellable(() => chargePayment(request)),
    );
    const charged: OrderEvent = {
      type: 'PaymentCharged',
      data: { orderId, at: at(), amount: charge.amount, chargeId: charge.chargeId },
    };
    if (saga.cancel) {
      await record('PAID', [charged]);
      return 'cancelled';
    }
    // Paid and handed to the baristas in one append: one round trip fewer on every order.
    compensations.add('discardDrinks', async () => {
      await record(saga.status, [await writeOff(saga.unwinding ?? 'brew_failed')]);
    });
    await record('BREWING', [charged, { type: 'BrewingStarted', data: { orderId, at: at(), drinks } }]);
    if (saga.cancel) return 'cancelled';
    saga.step = 'brewing';
    saga.brewScope = new CancellationScope();
    try {
      const brew = { orderId, items, idempotencyKey: key('brew') };
      saga.attempted('brewDrinks', await saga.brewScope.run(() => brewDrinks(brew)));
    } catch (error) {
      // The cancel was accepted (the customer got a 202): however the brew then ended, cancelled or
      // timed out because its barista died before hearing of the cancel, the order is cancelled.
      if (saga.cancel) return 'cancelled';
      throw error;
    } finally {
      saga.brewScope = undefined;
    }
    if (saga.cancel) return 'cancelled';
    saga.tooLateToCancel = true;
    return 'brewed';
  }

  const unwindCancelled = async (): Promise<OrderOutcome> => {
    saga.step = 'compensating';
    saga.unwinding = 'cancelled';
    await compensations.runAll();
    const reason = saga.cancel!.reason!;
    const position = await record('CANCELLED', [
      { type: 'OrderCancelled', data: { orderId, at: at(), reason } },
    ]);
    saga.cancelled = { orderId, status: 'CANCELLED', position };
    return finish();
  };

  try {
    if ((await payAndBrew()) === 'cancelled') return await unwindCancelled();
  } catch (error) {
    if (isCancellation(error)) {
      // The workflow itself was cancelled (an operator, not the customer): undo like a customer's cancel.
      saga.cancel ??= { reason: 'cancelled by operator' };
      return await unwindCancelled();
    }
    noteFailedAttempt(error, saga.attempts);
    const reason = failureReason(error);
    if (failureType(error) === 'CardDeclined') {
      compensations.forget('refundPayment');
      await record('REJECTED', [
        { type: 'PaymentDeclined', data: { orderId, at: at(), reason } },
        { type: 'OrderRejected', data: { orderId, at: at(), reason: `payment declined: ${reason}` } },
      ]);
      return await finish();
    }
    saga.step = 'compensating';
    saga.unwinding = 'brew_failed';
    await compensations.runAll();
    await record('FAILED', [{ type: 'OrderFailed', data: { orderId, at: at(), reason } }]);
    return await finish();
  }

  // 4. Ready: wait for the customer, up to the pickup window.
  compensations.settle();
  saga.step = 'awaiting_pickup';
  const windowMs = pickupWindowSeconds * 1000;
  const pickupDeadline = new Date(Date.now() + windowMs).toISOString();
  saga.pickupDeadline = pickupDeadline;
  await record('READY', [{ type: 'OrderReady', data: { orderId, at: at(), pickupDeadline } }]);
  if (await condition(() => saga.pickedUp, windowMs)) {
    saga.step = 'finishing';
    const position = await record('COMPLETED', [
      { type: 'OrderPickedUp', data: { orderId, at: at() } },
      { type: 'OrderCompleted', data: { orderId, at: at() } },
    ]);
    saga.completed = { orderId, status: 'COMPLETED', position };
    return await finish();
  }
  // Nobody came: write the drinks off; the customer paid for them, so no refund.
  saga.step = 'writing_off';
  const discarded = await writeOff('not_picked_up');
  await record('ABANDONED', [discarded, { type: 'OrderAbandoned', data: { orderId, at: at() } }]);
  return await finish();
}
