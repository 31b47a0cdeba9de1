import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';

/**
 * Temporal's own gRPC retries, made closable. The SDK retries a failed call from a timer; a timer
 * that fires after `connection.close()` throws "Channel has been shut down" from nowhere (an
 * uncaught exception). Once `closing()` is called no retry is scheduled, and it resolves when the
 * last one already scheduled has fired, so the channel can then be closed safely.
 */
export function closableRetries(maxWaitMs = 5_000) {
  const defaults = defaultGrpcRetryOptions();
  let closing = false;
  let lastRetryAt = 0;
  const interceptor = makeGrpcRetryInterceptor({
    retryableDecider: (attempt, status) => !closing && defaults.retryableDecider(attempt, status),
    delayFunction: (attempt, status) => {
      const delayMs = defaults.delayFunction(attempt, status);
      lastRetryAt = Math.max(lastRetryAt, Date.now() + delayMs);
      return delayMs;
    },
  });
  return {
    interceptor,
    async closing(): Promise<void> {
      closing = true;
      const waitMs = Math.min(lastRetryAt - Date.now() + 50, maxWaitMs);
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    },
  };
}
