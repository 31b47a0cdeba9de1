import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';
import { ActivityCancellationType } from '@temporalio/workflow';
import { PAYMENT_FAILURES } from './contract';

// Compensations and appends must eventually succeed: no attempt limit, capped backoff.
const NEVER_GIVE_UP = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' } as const;

/** An append is one round trip to Postgres; a retry is harmless (deterministic event ids). */
export const APPEND: ActivityOptions = {
  startToCloseTimeout: '10s',
  retry: { ...NEVER_GIVE_UP, initialInterval: '200ms' },
};
/**
 * Local activities for appends: measured by bench/saga.ts (`byAppendMode`), 13.3 vs 9.9 orders/s.
 * A local append re-executed after a lost workflow task re-decides `at`; appendOrderEvents handles it.
 * An input's `localAppends` overrides this.
 */
export const LOCAL_APPENDS_BY_DEFAULT = true;
export const LOCAL_APPEND: LocalActivityOptions = {
  startToCloseTimeout: '10s',
  retry: { ...NEVER_GIVE_UP, initialInterval: '200ms' },
};

/** Transient gateway errors are retried with backoff for up to 5 minutes; a decline is final. */
export const CHARGE: ActivityOptions = {
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '5m',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    nonRetryableErrorTypes: [PAYMENT_FAILURES.declined],
  },
};

export const REFUND: ActivityOptions = { startToCloseTimeout: '30s', retry: NEVER_GIVE_UP };

/** How long the saga tries to get a card's hold before it gives up and voids the key. */
export const PAYMENT_GIVE_UP_SECONDS = 300;

/**
 * The gateway calls of authorize/capture: each attempt is bounded (a fifth of the give-up, at most
 * 30 s) and heartbeats, so a late answer is found by the next attempt, never left running unseen.
 * `authorize` gives up after `giveUpSeconds` (then the saga voids by key); capture, void and refund
 * must reach an answer, so they retry until they do. A decline or a refusal is final.
 */
export function paymentOptions(giveUpSeconds = PAYMENT_GIVE_UP_SECONDS) {
  const attemptMs = Math.min(30_000, Math.round((giveUpSeconds * 1000) / 5));
  const bounded = {
    startToCloseTimeout: attemptMs,
    heartbeatTimeout: Math.max(1_000, Math.round(attemptMs / 3)),
  };
  const final = [PAYMENT_FAILURES.declined, PAYMENT_FAILURES.refused];
  const authorize: ActivityOptions = {
    ...bounded,
    scheduleToCloseTimeout: giveUpSeconds * 1000,
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '30s',
      nonRetryableErrorTypes: final,
    },
  };
  const settle: ActivityOptions = { ...bounded, retry: { ...NEVER_GIVE_UP, nonRetryableErrorTypes: final } };
  return { authorize, settle };
}

/**
 * Brewing heartbeats per drink, so a dead barista is noticed in seconds and a cancel reaches the
 * machine; we wait for the machine to actually stop before writing the drinks off.
 */
export const BREW: ActivityOptions = {
  startToCloseTimeout: '1h',
  heartbeatTimeout: '10s',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 3 },
};

export const DISCARD: ActivityOptions = { startToCloseTimeout: '1m', retry: NEVER_GIVE_UP };
