import { type Client, WorkflowNotFoundError, WorkflowUpdateStage } from '@temporalio/client';
import { placeOrder as priceOrderForSaga } from '../../domain/placeOrder';
import type { OrderStatus } from '../../domain/status';
import {
  cancelRejectionOf,
  confirmPickUp,
  isNotReadyForPickUp,
  orderSagaHandle,
  orderSagaStatus,
  startOrderSaga,
} from '../../workflows/client';
import { cancelUpdate, orderWorkflowId } from '../../workflows/definitions';
import { CommandRefused, DependencyUnavailable, OrderNotFound } from '../errors';
import type { Logger } from '../logger';
import type { OrderCommands, PlacedOrder } from '../ports';

export interface TemporalCommandsOptions {
  client: Client;
  taskQueue: string;
  /** Where the saga's brew and discard run; the worker's default when absent. */
  baristaTaskQueue?: string;
  /** Cancel answers once OrderCancelled is appended, or after this long with the status then. */
  cancelWaitMs?: number;
  pickupWindowSeconds?: number;
  /** The saga's give-up on the card's hold; the saga's default when absent. */
  paymentGiveUpSeconds?: number;
  logger: Logger;
}

/** gRPC UNAVAILABLE (code 14) or a refused connection anywhere in the cause chain. */
function isUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth += 1) {
    const code = (cause as { code?: unknown }).code;
    if (code === 14 || /UNAVAILABLE|ECONNREFUSED|No connection established/.test(cause.message)) return true;
  }
  return false;
}

/** The workflow's limit of concurrent updates was hit, or an update was aborted under contention. */
function isUpdateCrowded(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth += 1) {
    const code = (cause as { code?: unknown }).code;
    if (code === 8 || /RESOURCE_EXHAUSTED|in-flight updates|update was aborted/i.test(cause.message))
      return true;
  }
  return false;
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

  /** The status of a saga that refused or could not take an update, or OrderNotFound. */
  async function statusOf(orderId: string): Promise<{ status: OrderStatus | undefined; running: boolean }> {
    const handle = orderSagaHandle(client, orderId);
    let description: Awaited<ReturnType<typeof handle.describe>>;
    try {
      description = await handle.describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new OrderNotFound(orderId);
      throw error;
    }
    const attribute = description.searchAttributes?.OrderStatus;
    const fromSearch = Array.isArray(attribute) ? (attribute[0] as OrderStatus | undefined) : undefined;
    const status = await orderSagaStatus(client, orderId)
      .then((saga) => saga.status)
      .catch(() => fromSearch);
    return { status, running: description.status.name === 'RUNNING' };
  }

  const guard = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (isUnavailable(error))
        throw new DependencyUnavailable('Temporal', 'the workflow service is unreachable');
      throw error;
    }
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
    placeOrder(command) {
      // Concurrent requests for one order (one Idempotency-Key) share one call: a workflow
      // takes only a few updates in flight at once.
      const inFlight = placing.get(command.orderId);
      if (inFlight) return inFlight;
      const call = guard(async () => {
        const order = priceOrderForSaga(
          { customer: command.customer, items: command.items, payment: { token: command.paymentToken } },
          {
            orderId: command.orderId,
            now: new Date().toISOString(),
            ...(options.pickupWindowSeconds ? { pickupWindowSeconds: options.pickupWindowSeconds } : {}),
          },
        );
        const input = {
          ...order,
          ...(options.baristaTaskQueue ? { baristaTaskQueue: options.baristaTaskQueue } : {}),
          ...(options.paymentGiveUpSeconds ? { paymentGiveUpSeconds: options.paymentGiveUpSeconds } : {}),
        };
        for (let attempt = 1; ; attempt += 1) {
          try {
            const { placed } = await startOrderSaga(client, input, { taskQueue: options.taskQueue });
            logger.info({ position: placed.position, correlationId: command.correlationId }, 'order placed');
            return { orderId: placed.orderId, status: placed.status, position: placed.position };
          } catch (error) {
            // Other API processes may be placing the same order: too many updates in flight, retry.
            if (attempt >= 8 || !isUpdateCrowded(error)) throw error;
            await sleep(25 * 2 ** attempt * (0.5 + Math.random()));
          }
        }
      }).finally(() => placing.delete(command.orderId));
      placing.set(command.orderId, call);
      return call;
    },

    cancelOrder: (orderId, reason) =>
      guard(async () => {
        try {
          const update = await orderSagaHandle(client, orderId).startUpdate(cancelUpdate, {
            args: [{ reason }],
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
          return { status: (await statusOf(orderId)).status ?? 'PLACED' };
        } catch (error) {
          if (cancelRejectionOf(error)) {
            const { status } = await statusOf(orderId);
            throw new CommandRefused(
              error instanceof Error && error.cause instanceof Error
                ? error.cause.message
                : 'too late to cancel',
              orderId,
              status,
            );
          }
          if (error instanceof WorkflowNotFoundError) {
            const { status } = await statusOf(orderId); // throws OrderNotFound when it never existed
            if (status === 'CANCELLED') return { status };
            throw new CommandRefused(
              `order ${orderId} is ${status ?? 'finished'}: too late to cancel`,
              orderId,
              status,
            );
          }
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
            const { status } = await statusOf(orderId);
            throw new CommandRefused(`order ${orderId} is ${status}: nothing to pick up`, orderId, status);
          }
          if (error instanceof WorkflowNotFoundError) {
            const { status } = await statusOf(orderId);
            if (status === 'COMPLETED' || status === 'PICKED_UP') return { status };
            throw new CommandRefused(
              `order ${orderId} is ${status ?? 'finished'}: nothing to pick up`,
              orderId,
              status,
            );
          }
          throw error;
        }
      }),

    sagaState: (orderId) =>
      guard(async () => {
        const handle = orderSagaHandle(client, orderId);
        try {
          const description = await handle.describe();
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
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) throw new OrderNotFound(orderId);
          throw error;
        }
      }),
  };
}
