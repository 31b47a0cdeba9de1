import {
  type Client,
  WithStartWorkflowOperation,
  type WorkflowHandle,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { orderNumber, summarizeOrder } from '../domain';
import {
  CANCEL_REJECTIONS,
  type CancelRejection,
  type CancelRequest,
  type CancelResult,
  cancelUpdate,
  confirmPickUpUpdate,
  ORDER_SAGA_WORKFLOW,
  ORDERS_TASK_QUEUE,
  type OrderSagaInput,
  orderWorkflowId,
  PICK_UP_REJECTIONS,
  type PickedUpResult,
  type PlacedResult,
  pickUpSignal,
  placedUpdate,
  REJECT_REJECTIONS,
  type RejectRequest,
  type RejectResult,
  rejectUpdate,
  type SagaStatus,
  statusQuery,
} from './definitions';
import type { orderSaga } from './orderSaga';
import { orderNumberKey, orderStatusKey } from './searchAttributes';

/** How the API (and tests) drive a saga, without importing workflow code into their process. */
export type OrderSagaHandle = WorkflowHandle<typeof orderSaga>;

/**
 * Starts the saga and returns once `OrderPlaced` is durably in the log (update-with-start), with its
 * position. Idempotent per orderId: a second call attaches to the running saga and gets the same answer.
 */
export async function startOrderSaga(
  client: Client,
  order: OrderSagaInput,
  options: { taskQueue?: string } = {},
): Promise<{ placed: PlacedResult; handle: OrderSagaHandle }> {
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof orderSaga>(ORDER_SAGA_WORKFLOW, {
    workflowId: orderWorkflowId(order.orderId),
    taskQueue: options.taskQueue ?? ORDERS_TASK_QUEUE,
    args: [order],
    workflowIdConflictPolicy: 'USE_EXISTING',
    // A finished order is never started again (that would brew it twice): see OrderSagaClosedError.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: orderStatusKey, value: 'PLACED' },
      { key: orderNumberKey, value: orderNumber(order.orderId) },
    ],
    staticSummary: summarizeOrder(order),
  });
  try {
    const placed = await client.workflow.executeUpdateWithStart(placedUpdate, { startWorkflowOperation });
    return { placed, handle: await startWorkflowOperation.workflowHandle() };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw new OrderSagaClosedError(order.orderId);
    throw error;
  }
}

/**
 * The order's saga already finished: nothing was started. Answer from the event store / read model
 * (its `OrderPlaced` position and current status), as for any repeated request.
 */
export class OrderSagaClosedError extends Error {
  override name = 'OrderSagaClosedError';
  constructor(readonly orderId: string) {
    super(`the saga of order ${orderId} has already finished`);
  }
}

export const orderSagaHandle = (client: Client, orderId: string): OrderSagaHandle =>
  client.workflow.getHandle<typeof orderSaga>(orderWorkflowId(orderId));

/**
 * Cancels an order. `wait: 'accepted'` returns as soon as the validator accepted (the API's 202);
 * `'completed'` waits for refunds and `OrderCancelled`. Rejections throw WorkflowUpdateFailedError:
 * read them with `cancelRejectionOf`.
 */
export async function cancelOrder(
  client: Client,
  orderId: string,
  request: CancelRequest = {},
  wait: 'accepted' | 'completed' = 'completed',
): Promise<CancelResult | { orderId: string; status: 'CANCELLING' }> {
  const handle = orderSagaHandle(client, orderId);
  if (wait === 'completed') return handle.executeUpdate(cancelUpdate, { args: [request] });
  await handle.startUpdate(cancelUpdate, { args: [request], waitForStage: WorkflowUpdateStage.ACCEPTED });
  return { orderId, status: 'CANCELLING' };
}

/** `TooLateToCancel` or `OrderAlreadyFinished` when the cancel validator refused; undefined otherwise. */
export function cancelRejectionOf(error: unknown): CancelRejection | undefined {
  const type = rejectionType(error);
  return Object.values(CANCEL_REJECTIONS).find((known) => known === type);
}

/** The customer took the drinks: fire-and-forget signal. */
export const pickUpOrder = (client: Client, orderId: string): Promise<void> =>
  orderSagaHandle(client, orderId).signal(pickUpSignal);

/** The customer took the drinks: validated (READY only) and answered once `OrderCompleted` is appended. */
export const confirmPickUp = (client: Client, orderId: string): Promise<PickedUpResult> =>
  orderSagaHandle(client, orderId).executeUpdate(confirmPickUpUpdate);

export const isNotReadyForPickUp = (error: unknown): boolean =>
  rejectionType(error) === PICK_UP_REJECTIONS.notReady;

/** Sends the ready drinks back; answered once `DrinkRejected` is in the log. See `isNotReadyToReject`. */
export const rejectDrinks = (
  client: Client,
  orderId: string,
  request: RejectRequest,
): Promise<RejectResult> => orderSagaHandle(client, orderId).executeUpdate(rejectUpdate, { args: [request] });

export const isNotReadyToReject = (error: unknown): boolean =>
  rejectionType(error) === REJECT_REJECTIONS.notReady;

export const orderSagaStatus = (client: Client, orderId: string): Promise<SagaStatus> =>
  orderSagaHandle(client, orderId).query(statusQuery);

function rejectionType(error: unknown): string | undefined {
  if (!(error instanceof WorkflowUpdateFailedError)) return undefined;
  return error.cause instanceof ApplicationFailure ? (error.cause.type ?? undefined) : undefined;
}
