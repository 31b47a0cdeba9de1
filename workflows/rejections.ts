import { ApplicationFailure } from '@temporalio/workflow';
import type { OrderStatus } from '../domain';
import { CANCEL_REJECTIONS, PICK_UP_REJECTIONS, REJECT_REJECTIONS } from './definitions';
import type { SagaState } from './sagaState';

const TOO_LATE: ReadonlySet<OrderStatus> = new Set(['READY', 'PICKED_UP', 'COMPLETED', 'ABANDONED']);
const FINISHED: ReadonlySet<OrderStatus> = new Set(['REJECTED', 'FAILED']);

/** Why a cancel cannot be accepted now, or undefined when it can (a repeated cancel is accepted). */
export function cancelRejection(saga: SagaState): ApplicationFailure | undefined {
  if (saga.status === 'CANCELLED' || saga.cancel) return undefined;
  if (saga.tooLateToCancel || TOO_LATE.has(saga.status)) return tooLate(saga.orderId, saga.status);
  if (FINISHED.has(saga.status) || saga.unwinding || saga.step === 'done')
    return finished(saga.orderId, saga.status);
  return undefined;
}

/** Why an accepted cancel did not end in `OrderCancelled` (the saga finished another way first). */
export const cancelOvertaken = (saga: SagaState): ApplicationFailure =>
  FINISHED.has(saga.status) ? finished(saga.orderId, saga.status) : tooLate(saga.orderId, saga.status);

/** Why a pickup cannot be confirmed now, or undefined when it can. */
export function pickUpRejection(saga: SagaState): ApplicationFailure | undefined {
  const sentBack = saga.rejection !== null || saga.step === 'remaking';
  if ((!sentBack && saga.status === 'READY') || saga.status === 'PICKED_UP' || saga.status === 'COMPLETED')
    return undefined;
  return rejection(
    PICK_UP_REJECTIONS.notReady,
    `order ${saga.orderId} is ${saga.status}: nothing to pick up`,
    saga,
  );
}

/** Why drinks cannot be sent back now, or undefined when they can: on the counter, not yet taken. */
export function rejectRejection(saga: SagaState): ApplicationFailure | undefined {
  const onTheCounter = saga.status === 'READY' && saga.step === 'awaiting_pickup';
  if (onTheCounter && saga.remakesAllowed && !saga.rejection && !saga.pickedUp) return undefined;
  const why =
    onTheCounter && !saga.remakesAllowed
      ? 'it was served before remakes existed'
      : `it is ${saga.rejection ? 'being remade' : saga.status}: only a READY drink can be sent back`;
  return rejection(REJECT_REJECTIONS.notReady, `order ${saga.orderId} cannot be sent back: ${why}`, saga);
}

const tooLate = (orderId: string, status: OrderStatus) =>
  rejection(
    CANCEL_REJECTIONS.tooLate,
    `order ${orderId} is ${status === 'BREWING' ? 'READY' : status}: too late to cancel`,
    {
      orderId,
      status,
    },
  );

const finished = (orderId: string, status: OrderStatus) =>
  rejection(CANCEL_REJECTIONS.finished, `order ${orderId} is ${status}: nothing left to cancel`, {
    orderId,
    status,
  });

const rejection = (
  type: string,
  message: string,
  { orderId, status }: { orderId: string; status: OrderStatus },
) => ApplicationFailure.create({ type, message, nonRetryable: true, details: [{ orderId, status }] });
