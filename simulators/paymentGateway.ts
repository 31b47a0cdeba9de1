import { setTimeout as sleep } from 'node:timers/promises';
import {
  CardDeclinedError,
  GatewayUnavailableError,
  type PaymentGateway,
} from '../activities/paymentGateway';
import { money } from '../domain';
import { type GatewayLedger, memoryLedger } from './gatewayLedger';
import { referenceFor } from './reference';

export interface PaymentSimulatorConfig {
  /** `tok_flaky`: calls per key that fail before one succeeds (the first charges, then loses its answer). */
  flakyFailures: number;
  /** `tok_slow`: how long a charge takes. */
  slowMs: number;
  /** Every refund key fails this many times first (a fault knob for compensations). */
  refundFailures: number;
  /** Added to every call. */
  latencyMs: number;
  /** The test cards behave as named; off (SHOP_SIMULATORS=false), every token simply pays. */
  magicTokens: boolean;
}

/** Test cards with a behaviour of their own; with the simulators off they are ordinary tokens (and the API refuses them). */
export const SIMULATOR_TOKENS = ['tok_declined', 'tok_flaky', 'tok_slow', 'tok_unavailable'] as const;

export const DEFAULT_PAYMENT_SIMULATOR: PaymentSimulatorConfig = {
  flakyFailures: 2,
  slowMs: 3_000,
  refundFailures: 0,
  latencyMs: 0,
  magicTokens: true,
};

/**
 * A deterministic card processor: `tok_declined` declines, `tok_flaky` fails on its first calls,
 * `tok_slow` is slow, `tok_unavailable` never answers (nothing charged), any other `tok_*` pays. Charges and refunds are recorded by idempotency key,
 * so a retried charge is never a second charge.
 */
export function createPaymentSimulator(
  config: Partial<PaymentSimulatorConfig> = {},
  ledger: GatewayLedger = memoryLedger(),
): PaymentGateway & { ledger: GatewayLedger; calls(key: string): number } {
  const settings = { ...DEFAULT_PAYMENT_SIMULATOR, ...config };
  const calls = new Map<string, number>();
  const count = (key: string) => {
    const n = (calls.get(key) ?? 0) + 1;
    calls.set(key, n);
    return n;
  };
  const pause = (ms: number) => (ms > 0 ? sleep(ms) : Promise.resolve());

  return {
    ledger,
    calls: (key) => calls.get(key) ?? 0,
    async charge(request) {
      const call = count(request.idempotencyKey);
      await pause(settings.latencyMs);
      const token = settings.magicTokens ? request.token : 'tok_plain';
      if (token === 'tok_declined') throw new CardDeclinedError('card declined by issuer');
      if (token === 'tok_unavailable') throw new GatewayUnavailableError('gateway unreachable');
      if (token === 'tok_slow') await pause(settings.slowMs);
      const charge = () =>
        ledger.record({
          idempotencyKey: request.idempotencyKey,
          kind: 'charge',
          orderId: request.orderId,
          amount: request.amount,
          reference: referenceFor('ch', request.idempotencyKey),
        });
      if (token === 'tok_flaky' && call <= settings.flakyFailures) {
        // The worst case first: money taken, answer lost. Only the idempotency key saves us.
        if (call === 1) await charge();
        throw new GatewayUnavailableError(`gateway unavailable (call ${call})`);
      }
      const entry = await charge();
      return { chargeId: entry.reference!, amount: entry.amount };
    },
    async refund(request) {
      const call = count(request.idempotencyKey);
      await pause(settings.latencyMs);
      if (call <= settings.refundFailures) throw new GatewayUnavailableError(`refund failed (call ${call})`);
      const charged = await ledger.find(request.chargeKey);
      const entry = await ledger.record({
        idempotencyKey: request.idempotencyKey,
        kind: 'refund',
        orderId: request.orderId,
        amount: charged ? charged.amount : money(0, request.amount.currency),
        reference: charged ? referenceFor('re', request.idempotencyKey) : null,
      });
      return { refundId: entry.reference, amount: entry.amount };
    },
  };
}
