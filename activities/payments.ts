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

export type ChargePaymentInput = ChargeFields & CardSource;
interface ChargeFields {
  orderId: string;
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

/** The vault, as the payment sees it: the token behind a reference; undefined once destroyed or erased. */
export type RevealPaymentToken = (paymentRef: string) => Promise<string | undefined>;

/**
 * Where the card token is: `paymentRef` names it in the vault (the token never passes Temporal).
 * Sagas started before references carried the token itself in their input, and still pass it.
 */
export type CardSource = { paymentRef: string; token?: never } | { token: string; paymentRef?: never };

/** A payment by key, as the saga asks for it: the activity reads the token from the vault. */
export type PaymentInput = Omit<PaymentRequest, 'token'> & CardSource;
export type AuthorizePaymentResult = { authorizationId: string; amount: Money; attempt: number };
export type CapturePaymentResult = { captureId: string; amount: Money; attempt: number };
export type VoidPaymentResult = VoidReceipt & { attempt: number };
export type RefundCaptureResult = { refundId: string; amount: Money; attempt: number };

export function createPaymentActivities(gateway: PaymentGateway, revealToken: RevealPaymentToken) {
  const tokenOf = async ({ paymentRef, token }: CardSource): Promise<string | undefined> =>
    token ?? (paymentRef === undefined ? undefined : revealToken(paymentRef));
  /** Taking money needs the card: without one (the customer had their data erased) nothing can be paid. */
  const cardOf = async (source: CardSource): Promise<string> => {
    const token = await tokenOf(source);
    if (token === undefined) throw new CardDeclinedError('no card on file: the personal data was erased');
    return token;
  };
  /**
   * Capture, void and refund go by the payment's key; the token is destroyed once the payment settled,
   * so they pass whatever is left (the simulator reads its switches from it; a real gateway ignores it).
   */
  const byKey = async ({ paymentRef, token, ...request }: PaymentInput): Promise<PaymentRequest> => ({
    ...request,
    token: (await tokenOf({ paymentRef, token } as CardSource)) ?? '',
  });
  return {
    /** Sagas from before authorize/capture (still in flight after a deploy). */
    chargePayment: ({ paymentRef, token, ...input }: ChargePaymentInput): Promise<ChargePaymentResult> =>
      bounded(async (signal) =>
        gateway.charge({ ...input, token: await cardOf({ paymentRef, token } as CardSource) }, signal),
      ),
    /** Sagas from before authorize/capture: refunds whatever the charge under `chargeKey` took. */
    refundPayment: (input: RefundPaymentInput): Promise<RefundPaymentResult> =>
      bounded((signal) => gateway.refund(input, signal)),

    /** Puts a hold on the card; an answer that comes after this attempt ended is found by the next one. */
    authorizePayment: ({ paymentRef, token, ...input }: PaymentInput): Promise<AuthorizePaymentResult> =>
      bounded(async (signal) =>
        gateway.authorize({ ...input, token: await cardOf({ paymentRef, token } as CardSource) }, signal),
      ),
    capturePayment: (input: PaymentInput): Promise<CapturePaymentResult> =>
      bounded(async (signal) => gateway.capture(await byKey(input), signal)),
    /** A compensation: releases the hold by key, or says it was captured already (then refund). */
    voidPayment: (input: PaymentInput): Promise<VoidPaymentResult> =>
      bounded(async (signal) => gateway.void(await byKey(input), signal)),
    refundCapture: (input: PaymentInput): Promise<RefundCaptureResult> =>
      bounded(async (signal) => gateway.refundCapture(await byKey(input), signal)),
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
