import { setTimeout as sleep } from 'node:timers/promises';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleType,
  retry,
  wrap,
} from 'cockatiel';
import { BREAKER_STATE, type NotificationMetrics } from './metrics';
import {
  type NotificationMessage,
  type NotificationProvider,
  PermanentProviderError,
  type ProviderAck,
  TransientProviderError,
} from './provider';

export interface DeliveryPolicyOptions {
  /** Consecutive transient failures that open the breaker. */
  breakerThreshold: number;
  /** While open, one probe call is let through this often (the half-open probe interval). */
  halfOpenAfterMs: number;
  /** Calls per round while the breaker is closed (first call + retries). */
  retryMaxAttempts: number;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
}

export type DeliveryOutcome = { ack: ProviderAck } | { refused: PermanentProviderError };

export interface Delivery {
  /**
   * Sends until the provider acknowledges or refuses for good. It never gives up on a transient
   * failure: it retries with backoff, and while the breaker is open it waits for the next probe.
   * Only `signal` (stop, or lost leadership) ends it early, by throwing.
   */
  deliver(message: NotificationMessage, signal: AbortSignal): Promise<DeliveryOutcome>;
  readonly breakerState: CircuitState;
}

/**
 * cockatiel 3.2.1 (4.x needs Node 22; we run Node 20): a retry with exponential backoff around
 * a circuit breaker, so every single call counts toward the breaker, and once it is open the
 * retry stops at once (BrokenCircuitError is not retried) and we pause until `halfOpenAfter`
 * lets one probe through. A ConsecutiveBreaker fits a sequential sender: its calls are
 * one after another, so "N in a row failed" is exactly "the provider is down".
 */
export function createDelivery(
  provider: NotificationProvider,
  options: DeliveryPolicyOptions,
  metrics: NotificationMetrics,
): Delivery {
  const breaker = circuitBreaker(handleType(TransientProviderError), {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.breakerThreshold),
  });
  const retrying = retry(handleType(TransientProviderError), {
    maxAttempts: Math.max(0, options.retryMaxAttempts - 1),
    backoff: new ExponentialBackoff({
      initialDelay: options.retryInitialDelayMs,
      maxDelay: options.retryMaxDelayMs,
    }),
  });
  const policy = wrap(retrying, breaker);
  let openedAt = 0;
  metrics.breakerState.set(BREAKER_STATE.closed);
  breaker.onStateChange((state) => {
    if (state === CircuitState.Open) openedAt = Date.now();
    metrics.breakerState.set(
      state === CircuitState.Closed
        ? BREAKER_STATE.closed
        : state === CircuitState.HalfOpen
          ? BREAKER_STATE.halfOpen
          : BREAKER_STATE.open,
    );
  });

  return {
    get breakerState() {
      return breaker.state;
    },
    async deliver(message, signal) {
      let calls = 0;
      const call = () => {
        signal.throwIfAborted();
        calls += 1;
        if (calls > 1) metrics.retried.inc({ kind: message.kind });
        return provider.send(message);
      };
      for (;;) {
        signal.throwIfAborted();
        try {
          return { ack: await policy.execute(call, signal) };
        } catch (error) {
          if (error instanceof PermanentProviderError) return { refused: error };
          signal.throwIfAborted();
          if (error instanceof BrokenCircuitError) {
            // Open: pause (never skip, never hammer) until the breaker lets the next probe through.
            const wait = Math.max(10, openedAt + options.halfOpenAfterMs - Date.now());
            await pause(wait, signal);
          } else if (error instanceof TransientProviderError) {
            await pause(options.retryMaxDelayMs, signal);
          } else throw error;
        }
      }
    },
  };
}

/** Sleeps, or throws the signal's own reason (not a generic AbortError) when it aborts first. */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => signal.throwIfAborted());
}
