import type { Money } from '../domain';

/** The card processor, as the saga sees it. Every call carries an idempotency key. */
export interface PaymentGateway {
  charge(request: ChargeRequest): Promise<ChargeReceipt>;
  /** Refunds the charge made under `chargeKey`; a refund of a charge that never happened is a no-op. */
  refund(request: RefundRequest): Promise<RefundReceipt>;
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

/** The card was refused: retrying cannot help. */
export class CardDeclinedError extends Error {
  override name = 'CardDeclinedError';
}
/** The gateway did not answer (or its answer was lost): safe to retry with the same key. */
export class GatewayUnavailableError extends Error {
  override name = 'GatewayUnavailableError';
}
