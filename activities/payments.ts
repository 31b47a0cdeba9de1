import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Money } from '../domain';
import { PAYMENT_FAILURES } from '../workflows/contract';
import { CardDeclinedError, GatewayUnavailableError, type PaymentGateway } from './paymentGateway';

export interface ChargePaymentInput {
  orderId: string;
  /** Where the card token lives (`vault:<orderId>/paymentToken`): the token never passes Temporal. */
  paymentRef: string;
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

/** The vault, as the charge sees it: the token behind a reference; undefined once destroyed or erased. */
export type RevealPaymentToken = (paymentRef: string) => Promise<string | undefined>;

export function createPaymentActivities(gateway: PaymentGateway, revealToken: RevealPaymentToken) {
  return {
    async chargePayment({ paymentRef, ...input }: ChargePaymentInput): Promise<ChargePaymentResult> {
      const { attempt } = Context.current().info;
      try {
        const token = await revealToken(paymentRef);
        // No token before any charge: the customer had their data erased. Nothing can be paid.
        if (token === undefined) throw new CardDeclinedError('no card on file: the personal data was erased');
        const receipt = await gateway.charge({ ...input, token });
        return { ...receipt, attempt };
      } catch (error) {
        throw asFailure(error, attempt);
      }
    },

    /** A compensation: refunds whatever the charge under `chargeKey` took (possibly nothing). */
    async refundPayment(input: RefundPaymentInput): Promise<RefundPaymentResult> {
      const { attempt } = Context.current().info;
      try {
        const receipt = await gateway.refund(input);
        return { ...receipt, attempt };
      } catch (error) {
        throw asFailure(error, attempt);
      }
    },
  };
}

// A decline is an answer, not an outage: non-retryable. Anything else is worth another try.
function asFailure(error: unknown, attempt: number): unknown {
  if (error instanceof CardDeclinedError)
    return ApplicationFailure.create({
      type: PAYMENT_FAILURES.declined,
      message: error.message,
      nonRetryable: true,
      details: [{ attempt }],
    });
  if (error instanceof GatewayUnavailableError)
    return ApplicationFailure.create({
      type: PAYMENT_FAILURES.unavailable,
      message: error.message,
      details: [{ attempt }],
    });
  return error;
}
