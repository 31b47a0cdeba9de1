import { type Client, WorkflowNotFoundError, WorkflowUpdateStage } from '@temporalio/client';
import type { OrderStatus } from '../../domain/status';
import {
  cancelRejectionOf,
  confirmPickUp,
  isNotReadyForPickUp,
  isNotReadyToReject,
  OrderSagaClosedError,
  orderSagaHandle,
  orderSagaStatus,
  rejectDrinks,
  startOrderSaga,
} from '../../workflows/client';
import { cancelUpdate, orderWorkflowId } from '../../workflows/definitions';
import { CommandRefused, OrderSagaFinished } from '../errors';
import type { Logger } from '../logger';
import type { OrderCommands, PlacedOrder } from '../ports';
import { asOrderNotFound, isUpdateCrowded, unlessUnavailable } from './temporalErrors';

export interface TemporalCommandsOptions {
  client: Client;
  taskQueue: string;
  /** Where the saga's brew and discard run; the worker's default when absent. */
  baristaTaskQueue?: string;
  /** Cancel answers once OrderCancelled is appended, or after this long with the status then. */
  cancelWaitMs?: number;
  /** Remakes per order before a rejected drink fails it; the saga's default when absent. */
  maxRemakes?: number;
  /** The saga's give-up on the card's hold; the saga's default when absent. */
  paymentGiveUpSeconds?: number;
  /** A command not done by then answers 503 (retry with the same key) instead of hanging; default 20 s. */
  commandDeadlineMs?: number;
  logger: Logger;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Commands go through the saga: update-with-start, the cancel Update, the confirmPickUp Update, the status query. */
export function temporalOrderCommands(
  options: TemporalCommandsOptions,
): OrderCommands & { drain(timeoutMs: number): Promise<void> } {
  const { client, logger } = options;
  // Calls still talking to Temporal: shutdown waits for them before closing the connection
  // (a client that hung up does not stop its request's workflow call).
  const pending = new Set<Promise<unknown>>();
  const placing = new Map<string, Promise<PlacedOrder>>();

  /**
   * Where a saga that refused or could not take an update stands (its status, and the log position of
   * the last fact it knows when its query answers), or OrderNotFound.
   */
  async function standingOf(
    orderId: string,
  ): Promise<{ status?: OrderStatus; lastPosition?: number | null }> {
    const description = await asOrderNotFound(orderId, () => orderSagaHandle(client, orderId).describe());
    const attribute = description.searchAttributes?.OrderStatus;
    const fromSearch = Array.isArray(attribute) ? (attribute[0] as OrderStatus | undefined) : undefined;
    return orderSagaStatus(client, orderId)
      .then(({ status, lastPosition }) => ({ status, lastPosition }))
      .catch(() => ({ status: fromSearch }));
  }
  const statusOf = async (orderId: string) => (await standingOf(orderId)).status;

  /** The saga has closed: fine when it ended where the command leads, refused otherwise. */
  async function closedSaga(orderId: string, leadsTo: readonly OrderStatus[], refusal: string) {
    const status = await statusOf(orderId); // throws OrderNotFound when it never existed
    if (status && leadsTo.includes(status)) return { status };
    throw new CommandRefused(`order ${orderId} is ${status ?? 'finished'}: ${refusal}`, orderId, status);
  }

  /** Every call has a deadline, maps an unreachable Temporal to a 503 and is waited for by `drain`. */
  const guard = <T>(run: () => Promise<T>): Promise<T> => {
    const deadline = Date.now() + (options.commandDeadlineMs ?? 20_000);
    const call = unlessUnavailable(() => client.connection.withDeadline(deadline, run));
    pending.add(call);
    void call.finally(() => pending.delete(call)).catch(() => {});
    return call;
  };

  return {
    async drain(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...pending]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    },
    placeOrder(order, correlationId) {
      // Concurrent requests for one order (one Idempotency-Key) share one call: a workflow
      // takes only a few updates in flight at once.
      const inFlight = placing.get(order.orderId);
      if (inFlight) return inFlight;
      const input = {
        ...order,
        ...(options.baristaTaskQueue ? { baristaTaskQueue: options.baristaTaskQueue } : {}),
        ...(options.maxRemakes !== undefined ? { maxRemakes: options.maxRemakes } : {}),
        ...(options.paymentGiveUpSeconds ? { paymentGiveUpSeconds: options.paymentGiveUpSeconds } : {}),
      };
      const call = guard(async () => {
        for (let attempt = 1; ; attempt += 1) {
          try {
            const { placed } = await startOrderSaga(client, input, { taskQueue: options.taskQueue });
            logger.info({ position: placed.position, correlationId }, 'order placed');
            return { orderId: placed.orderId, status: placed.status, position: placed.position };
          } catch (error) {
            if (error instanceof OrderSagaClosedError) throw new OrderSagaFinished(order.orderId);
            // Other API processes may be placing the same order: too many updates in flight, retry.
            if (attempt >= 8 || !isUpdateCrowded(error)) throw error;
            await sleep(25 * 2 ** attempt * (0.5 + Math.random()));
          }
        }
      }).finally(() => placing.delete(order.orderId));
      placing.set(order.orderId, call);
      return call;
    },

    cancelOrder: (orderId, reasonRef) =>
      guard(async () => {
        try {
          const update = await orderSagaHandle(client, orderId).startUpdate(cancelUpdate, {
            args: [reasonRef ? { reasonRef } : {}],
            waitForStage: WorkflowUpdateStage.ACCEPTED,
          });
          const waited = options.cancelWaitMs ?? 10_000;
          let timer: NodeJS.Timeout | undefined;
          const done = await Promise.race([
            update.result(),
            new Promise<null>((resolve) => {
              timer = setTimeout(() => resolve(null), waited);
            }),
          ]).finally(() => clearTimeout(timer));
          if (done) return { status: done.status, position: done.position };
          return { status: (await statusOf(orderId)) ?? 'PLACED' };
        } catch (error) {
          if (cancelRejectionOf(error)) {
            const status = await statusOf(orderId);
            throw new CommandRefused(
              error instanceof Error && error.cause instanceof Error
                ? error.cause.message
                : 'too late to cancel',
              orderId,
              status,
            );
          }
          if (error instanceof WorkflowNotFoundError)
            return closedSaga(orderId, ['CANCELLED'], 'too late to cancel');
          throw error;
        }
      }),

    pickUpOrder: (orderId) =>
      guard(async () => {
        try {
          const picked = await confirmPickUp(client, orderId);
          return { status: picked.status };
        } catch (error) {
          if (isNotReadyForPickUp(error)) {
            // Where the saga stands in the log too: the use case tells a saga catching up from a refusal.
            const { status, lastPosition } = await standingOf(orderId);
            throw new CommandRefused(
              `order ${orderId} is ${status}: nothing to pick up`,
              orderId,
              status,
              lastPosition,
            );
          }
          if (error instanceof WorkflowNotFoundError)
            return closedSaga(orderId, ['COMPLETED', 'PICKED_UP'], 'nothing to pick up');
          throw error;
        }
      }),

    rejectDrink: (orderId, rejection) =>
      guard(async () => {
        try {
          const {
            status,
            rejection: count,
            remake,
            maxRemakes,
            position,
          } = await rejectDrinks(client, orderId, rejection);
          return { status, rejection: count, remake, maxRemakes, position };
        } catch (error) {
          if (isNotReadyToReject(error) || error instanceof WorkflowNotFoundError) {
            const status = await statusOf(orderId); // throws OrderNotFound when it never existed
            const message =
              error instanceof Error && error.cause instanceof Error
                ? error.cause.message
                : `order ${orderId} is ${status ?? 'finished'}: only a READY drink can be sent back`;
            throw new CommandRefused(message, orderId, status);
          }
          throw error;
        }
      }),

    sagaState: (orderId) =>
      guard(() =>
        asOrderNotFound(orderId, async () => {
          const description = await orderSagaHandle(client, orderId).describe();
          const state = await orderSagaStatus(client, orderId).catch((error: unknown) => {
            logger.warn({ err: error }, 'saga status query failed');
            return null;
          });
          return {
            workflowId: orderWorkflowId(orderId),
            runId: description.runId,
            execution: description.status.name,
            state: state ? { ...state } : null,
          };
        }),
      ),
  };
}
