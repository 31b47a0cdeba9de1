import { WorkflowNotFoundError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { DependencyUnavailable, OrderNotFound } from '../errors';

/** Whether an error, or one of its first few causes, matches: the SDK wraps gRPC errors. */
function anyCause(error: unknown, matches: (cause: Error & { code?: unknown }) => boolean): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth += 1) {
    if (matches(cause)) return true;
  }
  return false;
}

/**
 * gRPC UNAVAILABLE (14), DEADLINE_EXCEEDED (4: Temporal did not answer in time, e.g. a describe
 * while it is overloaded) or a refused connection anywhere in the cause chain.
 */
export const isUnavailable = (error: unknown): boolean =>
  anyCause(
    error,
    (cause) =>
      cause.code === 14 ||
      cause.code === 4 ||
      /UNAVAILABLE|DEADLINE_EXCEEDED|ECONNREFUSED|No connection established/.test(cause.message),
  );

/** The workflow's limit of concurrent updates was hit, or an update was aborted under contention. */
export const isUpdateCrowded = (error: unknown): boolean =>
  anyCause(
    error,
    (cause) =>
      cause.code === 8 || /RESOURCE_EXHAUSTED|in-flight updates|update was aborted/i.test(cause.message),
  );

/** Temporal unreachable, or an update not done by its deadline → DependencyUnavailable (503); anything else as it came. */
export async function unlessUnavailable<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isUnavailable(error))
      throw new DependencyUnavailable('Temporal', 'the workflow service is unreachable');
    // The saga could not take the update in time (its worker or Postgres is down): retry later, same key.
    if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
      throw new DependencyUnavailable('Temporal', 'the order saga did not answer in time');
    throw error;
  }
}

/** No workflow `order-<orderId>` → OrderNotFound (404). */
export async function asOrderNotFound<T>(orderId: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new OrderNotFound(orderId);
    throw error;
  }
}
