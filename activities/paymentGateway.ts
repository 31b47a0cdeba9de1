import type { Money } from '../domain';

/**
 * The card processor, as the saga sees it. Every call carries an idempotency key and an AbortSignal:
 * a caller that gives up stops waiting (the gateway itself may still answer: late).
 */
export interface PaymentGateway extends PaymentIntents {
  /** Sagas from before authorize/capture: takes the money at once. */
  charge(request: ChargeRequest, signal?: AbortSignal): Promise<ChargeReceipt>;
  /** Sagas from before authorize/capture: refunds the charge made under `chargeKey` (a no-op if none). */
  refund(request: RefundRequest, signal?: AbortSignal): Promise<RefundReceipt>;
}

export interface ChargeRequest {
  idempotencyKey: string;
  orderId: string;
  token: string;
  amount: Money;
}
export interface ChargeReceipt {
  chargeId: string;
  amount: Money;
}
export interface RefundRequest {
  idempotencyKey: string;
  chargeKey: string;
  orderId: string;
  /** What the order cost: the refund's currency, and its amount if the charge happened. */
  amount: Money;
}
export interface RefundReceipt {
  /** null when there was nothing to refund. */
  refundId: string | null;
  amount: Money;
}

/** The payment a saga holds, captures, voids or refunds: one key for its whole life. */
export interface PaymentRequest {
  /** `${workflowId}/authorize`: the payment's idempotency key at the gateway. */
  paymentKey: string;
  orderId: string;
  /** The simulator reads its switches from it; a real gateway would know it from the key. */
  token: string;
  amount: Money;
}
export interface AuthorizationReceipt {
  authorizationId: string;
  amount: Money;
}
export interface CaptureReceipt {
  captureId: string;
  amount: Money;
}
/** A void's definitive answer: the hold released (zero if none landed; the key now refuses one), or too late. */
export type VoidReceipt =
  | { outcome: 'voided'; voidId: string; released: Money }
  | { outcome: 'captured'; amount: Money };
export interface CaptureRefundReceipt {
  refundId: string;
  amount: Money;
}

/** Authorize (a hold), capture, void and refund, each idempotent by the payment's key. */
export interface PaymentIntents {
  /** Waits for the gateway's answer (a processing authorization is waited for, never retried as new). */
  authorize(request: PaymentRequest, signal?: AbortSignal): Promise<AuthorizationReceipt>;
  capture(request: PaymentRequest, signal?: AbortSignal): Promise<CaptureReceipt>;
  /** Closes the key unless captured: a hold is released, and an authorization still on its way is refused. */
  void(request: PaymentRequest, signal?: AbortSignal): Promise<VoidReceipt>;
  /** Gives a capture back; waits while the payment's outcome is unknown. */
  refundCapture(request: PaymentRequest, signal?: AbortSignal): Promise<CaptureRefundReceipt>;
}

/** The card was refused: retrying cannot help. */
export class CardDeclinedError extends Error {
  override name = 'CardDeclinedError';
}
/** The gateway did not answer (or its answer was lost): safe to retry with the same key. */
export class GatewayUnavailableError extends Error {
  override name = 'GatewayUnavailableError';
}
/** The key was voided (or never authorized): there is nothing to capture. Retrying cannot help. */
export class PaymentRefusedError extends Error {
  override name = 'PaymentRefusedError';
}
