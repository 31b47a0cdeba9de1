import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { PAYMENT_FAILURES } from './contract';

const causeOf = (error: unknown): unknown =>
  error instanceof Error && error.cause instanceof ApplicationFailure ? error.cause : error;

/** The ApplicationFailure type behind an activity failure, e.g. `CardDeclined`. */
export function failureType(error: unknown): string | undefined {
  const cause = causeOf(error);
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

export const isCardDeclined = (error: unknown): boolean => failureType(error) === PAYMENT_FAILURES.declined;

/** A reason a customer (and an auditor) can read. */
export function failureReason(error: unknown): string {
  const cause = causeOf(error);
  const message = cause instanceof Error ? cause.message : String(cause);
  if (isCardDeclined(error)) return message;
  const activity = error instanceof ActivityFailure ? error.activityType : undefined;
  return activity === 'brewDrinks' ? `coffee machine failed: ${message}` : `payment failed: ${message}`;
}

/** A failure's details carry the attempt it failed on, so `status` shows how hard we tried. */
export function noteFailedAttempt(error: unknown, attempts: Record<string, number>): void {
  const cause = causeOf(error);
  const detail =
    cause instanceof ApplicationFailure ? (cause.details?.[0] as { attempt?: number }) : undefined;
  if (error instanceof ActivityFailure && typeof detail?.attempt === 'number')
    attempts[error.activityType] = detail.attempt;
}
