import { ApplicationFailure } from '@temporalio/workflow';
import type { OrderStatus } from '../domain';
import { CANCEL_REJECTIONS, PICK_UP_REJECTIONS } from './definitions';

const TOO_LATE: ReadonlySet<OrderStatus> = new Set(['READY', 'PICKED_UP', 'COMPLETED', 'ABANDONED']);
const FINISHED: ReadonlySet<OrderStatus> = new Set(['REJECTED', 'FAILED']);

/** Why a cancel cannot be accepted now, or undefined when it can (a repeated cancel is accepted). */
export function cancelRejection(
  orderId: string,
  status: OrderStatus,
  tooLate: boolean,
  alreadyCancelling = false,
): ApplicationFailure | undefined {
  if (status === 'CANCELLED' || alreadyCancelling) return undefined;
  if (tooLate || TOO_LATE.has(status))
    return ApplicationFailure.create({
      type: CANCEL_REJECTIONS.tooLate,
      message: `order ${orderId} is ${status === 'BREWING' ? 'READY' : status}: too late to cancel`,
      nonRetryable: true,
      details: [{ orderId, status }],
    });
  if (FINISHED.has(status))
    return ApplicationFailure.create({
      type: CANCEL_REJECTIONS.finished,
      message: `order ${orderId} is ${status}: nothing left to cancel`,
      nonRetryable: true,
      details: [{ orderId, status }],
    });
  return undefined;
}

/** Why a pickup cannot be confirmed now, or undefined when it can. */
export function pickUpRejection(orderId: string, status: OrderStatus): ApplicationFailure | undefined {
  if (status === 'READY' || status === 'PICKED_UP' || status === 'COMPLETED') return undefined;
  return ApplicationFailure.create({
    type: PICK_UP_REJECTIONS.notReady,
    message: `order ${orderId} is ${status}: nothing to pick up`,
    nonRetryable: true,
    details: [{ orderId, status }],
  });
}
