import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
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
import {
  BARISTA_TASK_QUEUE,
  type CancelRequest,
  type CancelResult,
  cancelUpdate,
  confirmPickUpUpdate,
  type OrderOutcome,
  type OrderSagaInput,
  type PickedUpResult,
  type PlacedResult,
  pickUpSignal,
  placedUpdate,
  type SagaStep,
  statusQuery,
} from './definitions';
import { OrderJournal } from './journal';
import { cancelRejection, pickUpRejection } from './rejections';
import { customerNameKey, orderStatusKey } from './searchAttributes';

/** One order, told as a story: placed, paid, brewed, picked up; or undone, step by step. */
export async function orderSaga(order: OrderSagaInput): Promise<OrderOutcome> {
  const { workflowId } = workflowInfo();
  const { orderId } = order;
  const about = summarizeOrder(order);
  const drinks = drinkCount(order.items);
  const baristaQueue = order.baristaTaskQueue ?? BARISTA_TASK_QUEUE;
  const at = () => new Date().toISOString();

  // Appends carry no summary: four per order, and the activity's name already says it all.
  const { appendOrderEvents } =
    (order.localAppends ?? LOCAL_APPENDS_BY_DEFAULT)
      ? proxyLocalActivities<OrderActivities>(LOCAL_APPEND)
      : proxyActivities<OrderActivities>(APPEND);
  const { chargePayment } = proxyActivities<OrderActivities>({ ...CHARGE, summary: `charge ${about}` });
  const { refundPayment } = proxyActivities<OrderActivities>({ ...REFUND, summary: `refund ${about}` });
  const { brewDrinks } = proxyActivities<BaristaActivities>({
    ...BREW,
    taskQueue: baristaQueue,
    summary: `brew ${about}`,
  });
  const { discardDrinks } = proxyActivities<BaristaActivities>({
    ...DISCARD,
    taskQueue: baristaQueue,
    summary: `write off ${about}`,
  });

  const journal = new OrderJournal(orderStreamId(orderId), appendOrderEvents);
  const compensations = new Compensations();
  const saga = {
    status: 'PLACED' as OrderStatus,
    step: 'placing' as SagaStep,
    attempts: {} as Record<string, number>,
    cancel: null as CancelRequest | null,
    tooLateToCancel: false,
    pickedUp: false,
    pickupDeadline: null as string | null,
  };
  let placed: PlacedResult | undefined;
  let cancelled: CancelResult | undefined;
  let completed: PickedUpResult | undefined;
  let brewScope: CancellationScope | undefined;

  const record = async (status: OrderStatus, events: OrderEvent[]): Promise<number> => {
    const position = await journal.record(events);
    saga.status = status;
    upsertSearchAttributes([{ key: orderStatusKey, value: status }]);
    return position;
  };
  const attempted = <T extends { attempt: number }>(activity: string, result: T): T => {
    saga.attempts[activity] = result.attempt;
    return result;
  };

  setHandler(statusQuery, () => ({
    orderId,
    status: saga.status,
    step: saga.step,
    attempts: { ...saga.attempts },
    compensationsPending: compensations.pending(),
    compensationsRun: [...compensations.ran],
    cancelRequested: saga.cancel !== null,
    pickupDeadline: saga.pickupDeadline,
    version: journal.version,
    lastPosition: journal.lastPosition,
  }));
  setHandler(placedUpdate, async () => {
    await condition(() => placed !== undefined);
    return placed!;
  });
  setHandler(
    cancelUpdate,
    async (request) => {
      if (!saga.cancel) {
        saga.cancel = { reason: request?.reason || 'cancelled by customer' };
        brewScope?.cancel();
      }
      await condition(() => cancelled !== undefined || saga.step === 'done');
      if (cancelled) return cancelled;
      throw cancelRejection(orderId, saga.status, true)!;
    },
    {
      validator: (_request) =>
        throwIf(cancelRejection(orderId, saga.status, saga.tooLateToCancel, saga.cancel !== null)),
    },
  );
  setHandler(pickUpSignal, () => {
    saga.pickedUp = true;
  });
  setHandler(
    confirmPickUpUpdate,
    async () => {
      saga.pickedUp = true;
      await condition(() => completed !== undefined || saga.step === 'done');
      if (completed) return completed;
      throw pickUpRejection(orderId, saga.status)!;
    },
    { validator: () => throwIf(pickUpRejection(orderId, saga.status)) },
  );

  const finish = async (): Promise<OrderOutcome> => {
    saga.step = 'done';
    await condition(allHandlersFinished);
    return { orderId, status: saga.status, events: journal.version, lastPosition: journal.lastPosition! };
  };

  const writeOff = async (reason: 'brew_failed' | 'cancelled' | 'not_picked_up'): Promise<OrderEvent> => {
    const discarded = attempted(
      'discardDrinks',
      await discardDrinks({ orderId, drinks, reason, idempotencyKey: `${workflowId}/discard` }),
    );
    return { type: 'DrinkDiscarded', data: { orderId, at: at(), drinks: discarded.drinks, reason } };
  };

  // 1. The order is a fact before anything else happens. (startOrderSaga sets these attributes at start.)
  if (workflowInfo().typedSearchAttributes.get(customerNameKey) !== order.customer)
    upsertSearchAttributes([
      { key: customerNameKey, value: order.customer },
      { key: orderStatusKey, value: 'PLACED' },
    ]);
  const placedAt = await record('PLACED', [
    {
      type: 'OrderPlaced',
      data: {
        orderId,
        at: order.placedAt,
        customer: order.customer,
        items: order.items,
        total: order.total,
        paymentTokenLast4: tokenLast4(order.paymentToken),
        pickupWindowSeconds: order.pickupWindowSeconds,
      },
    },
  ]);
  placed = { orderId, workflowId, status: 'PLACED', position: placedAt };

  // 2-3. Pay, then brew; each step registers its undo before it runs.
  async function payAndBrew(): Promise<'brewed' | 'cancelled'> {
    if (saga.cancel) return 'cancelled';
    saga.step = 'charging';
    const chargeKey = `${workflowId}/charge`;
    compensations.add('refundPayment', async () => {
      const refund = attempted(
        'refundPayment',
        await refundPayment({
          orderId,
          amount: order.total,
          chargeKey,
          idempotencyKey: `${workflowId}/refund`,
        }),
      );
      await record(saga.status, [
        {
          type: 'PaymentRefunded',
          data: { orderId, at: at(), amount: refund.amount, refundId: refund.refundId },
        },
      ]);
    });
    const charge = attempted(
      'chargePayment',
      await chargePayment({
        orderId,
        token: order.paymentToken,
        amount: order.total,
        idempotencyKey: chargeKey,
      }),
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
      const discarded = await writeOff(saga.cancel ? 'cancelled' : 'brew_failed');
      await record(saga.status, [discarded]);
    });
    await record('BREWING', [charged, { type: 'BrewingStarted', data: { orderId, at: at(), drinks } }]);
    if (saga.cancel) return 'cancelled';
    saga.step = 'brewing';
    brewScope = new CancellationScope();
    try {
      attempted(
        'brewDrinks',
        await brewScope.run(() =>
          brewDrinks({ orderId, items: order.items, idempotencyKey: `${workflowId}/brew` }),
        ),
      );
    } catch (error) {
      if (saga.cancel && isCancellation(error)) return 'cancelled';
      throw error;
    } finally {
      brewScope = undefined;
    }
    if (saga.cancel) return 'cancelled';
    saga.tooLateToCancel = true;
    return 'brewed';
  }

  try {
    const outcome = await payAndBrew();
    if (outcome === 'cancelled') {
      saga.step = 'compensating';
      await compensations.runAll();
      const position = await record('CANCELLED', [
        { type: 'OrderCancelled', data: { orderId, at: at(), reason: saga.cancel!.reason! } },
      ]);
      cancelled = { orderId, status: 'CANCELLED', position };
      return await finish();
    }
  } catch (error) {
    const reason = failureReason(error);
    noteFailedAttempts(error, saga.attempts);
    if (failureType(error) === 'CardDeclined') {
      compensations.forget('refundPayment');
      await record('REJECTED', [
        { type: 'PaymentDeclined', data: { orderId, at: at(), reason } },
        { type: 'OrderRejected', data: { orderId, at: at(), reason: `payment declined: ${reason}` } },
      ]);
      return await finish();
    }
    saga.step = 'compensating';
    await compensations.runAll();
    await record('FAILED', [{ type: 'OrderFailed', data: { orderId, at: at(), reason } }]);
    return await finish();
  }

  // 4. Ready: wait for the customer, up to the pickup window.
  saga.step = 'awaiting_pickup';
  const windowMs = order.pickupWindowSeconds * 1000;
  saga.pickupDeadline = new Date(Date.now() + windowMs).toISOString();
  await record('READY', [
    { type: 'OrderReady', data: { orderId, at: at(), pickupDeadline: saga.pickupDeadline } },
  ]);
  if (await condition(() => saga.pickedUp, windowMs)) {
    saga.step = 'finishing';
    const position = await record('COMPLETED', [
      { type: 'OrderPickedUp', data: { orderId, at: at() } },
      { type: 'OrderCompleted', data: { orderId, at: at() } },
    ]);
    completed = { orderId, status: 'COMPLETED', position };
    return await finish();
  }
  // Nobody came: write the drinks off; the customer paid for them, so no refund.
  saga.step = 'writing_off';
  const discarded = await writeOff('not_picked_up');
  await record('ABANDONED', [discarded, { type: 'OrderAbandoned', data: { orderId, at: at() } }]);
  return await finish();
}

function throwIf(failure: ApplicationFailure | undefined): void {
  if (failure) throw failure;
}

const causeOf = (error: unknown): unknown =>
  error instanceof Error && error.cause instanceof ApplicationFailure ? error.cause : error;

const failureType = (error: unknown): string | undefined => {
  const cause = causeOf(error);
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
};

function failureReason(error: unknown): string {
  const cause = causeOf(error);
  const message = cause instanceof Error ? cause.message : String(cause);
  if (failureType(error) === 'CardDeclined') return message;
  const activity = error instanceof ActivityFailure ? error.activityType : undefined;
  return activity === 'brewDrinks' ? `coffee machine failed: ${message}` : `payment failed: ${message}`;
}

// A failure's details carry the attempt it failed on, so `status` shows how hard we tried.
function noteFailedAttempts(error: unknown, attempts: Record<string, number>): void {
  const cause = causeOf(error);
  const detail =
    cause instanceof ApplicationFailure ? (cause.details?.[0] as { attempt?: number }) : undefined;
  if (error instanceof ActivityFailure && typeof detail?.attempt === 'number')
    attempts[error.activityType] = detail.attempt;
}
