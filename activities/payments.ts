import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Money } from '../domain';
import { PAYMENT_FAILURES } from '../workflows/contract';
import {
  CardDeclinedError,
  GatewayUnavailableError,
  type PaymentGateway,
  PaymentRefusedError,
  type PaymentRequest,
  type VoidReceipt,
} from './paymentGateway';

export interface ChargePaymentInput {
  orderId: string;
  token: string;
  amount: Money;
  /** `${workflowId}/charge`: the gateway's guard against charging twice. */
  idempotencyKey: string;
}
export interface ChargePaymentResult {
  chargeId: string;
  amount: Money;
  attempt: number;
}

export interface RefundPaymentInput {
  orderId: string;
  amount: Money;
  chargeKey: string;
  idempotencyKey: string;
}
export interface RefundPaymentResult {
  refundId: string | null;
  amount: Money;
  attempt: number;
}

export type PaymentInput = PaymentRequest;
export type AuthorizePaymentResult = { authorizationId: string; amount: Money; attempt: number };
export type CapturePaymentResult = { captureId: string; amount: Money; attempt: number };
export type VoidPaymentResult = VoidReceipt & { attempt: number };
export type RefundCaptureResult = { refundId: string; amount: Money; attempt: number };

export function createPaymentActivities(gateway: PaymentGateway) {
  return {
    /** Sagas from before authorize/capture (still in flight after a deploy). */
    chargePayment: (input: ChargePaymentInput): Promise<ChargePaymentResult> =>
      bounded((signal) => gateway.charge(input, signal)),
    /** Sagas from before authorize/capture: refunds whatever the charge under `chargeKey` took. */
    refundPayment: (input: RefundPaymentInput): Promise<RefundPaymentResult> =>
      bounded((signal) => gateway.refund(input, signal)),

    /** Puts a hold on the card; an answer that comes after this attempt ended is found by the next one. */
    authorizePayment: (input: PaymentInput): Promise<AuthorizePaymentResult> =>
      bounded((signal) => gateway.authorize(input, signal)),
    capturePayment: (input: PaymentInput): Promise<CapturePaymentResult> =>
      bounded((signal) => gateway.capture(input, signal)),
    /** A compensation: releases the hold by key, or says it was captured already (then refund). */
    voidPayment: (input: PaymentInput): Promise<VoidPaymentResult> =>
      bounded((signal) => gateway.void(input, signal)),
    refundCapture: (input: PaymentInput): Promise<RefundCaptureResult> =>
      bounded((signal) => gateway.refundCapture(input, signal)),
  };
}

/**
 * Every gateway call is bounded by its attempt: it heartbeats while it waits, and stops at the
 * attempt's deadline or when Temporal cancels it, so a timed-out attempt never runs on unseen.
 */
async function bounded<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T & { attempt: number }> {
  const context = Context.current();
  const { attempt, startToCloseTimeoutMs, heartbeatTimeoutMs } = context.info;
  const deadline = AbortSignal.timeout(Math.max(startToCloseTimeoutMs - 50, 1));
  const signal = AbortSignal.any([context.cancellationSignal, deadline]);
  const beat = setInterval(
    () => context.heartbeat({ attempt }),
    Math.min((heartbeatTimeoutMs ?? 3_000) / 3, 1_000),
  );
  try {
    return { ...(await call(signal)), attempt };
  } catch (error) {
    if (deadline.aborted && !context.cancellationSignal.aborted)
      throw asFailure(new GatewayUnavailableError('no answer within the attempt'), attempt);
    throw asFailure(error, attempt);
  } finally {
    clearInterval(beat);
  }
}

// A decline or a refusal is an answer, not an outage: non-retryable. Anything else is worth another try.
function asFailure(error: unknown, attempt: number): unknown {
  const failure = (type: string, nonRetryable: boolean) =>
    ApplicationFailure.create({
      type,
      message: (error as Error).message,
      nonRetryable,
      details: [{ attempt }],
    });
  if (error instanceof CardDeclinedError) return failure(PAYMENT_FAILURES.declined, true);
  if (error instanceof PaymentRefusedError) return failure(PAYMENT_FAILURES.refused, true);
  if (error instanceof GatewayUnavailableError) return failure(PAYMENT_FAILURES.unavailable, false);
  return error;
}
