import { setTimeout as sleep } from 'node:timers/promises';
import {
  CardDeclinedError,
  GatewayUnavailableError,
  type PaymentGateway,
} from '../activities/paymentGateway';
import { money } from '../domain';
import { type GatewayLedger, memoryLedger } from './gatewayLedger';
import { memoryPaymentBook, type PaymentBook, type PaymentRecord } from './gatewayPayments';
import { createPaymentIntents } from './paymentIntents';
import { referenceFor } from './reference';

export interface PaymentSimulatorConfig {
  /** `tok_flaky`: calls per key that lose their answer before one arrives (the first one lands). */
  flakyFailures: number;
  /** `tok_slow`: how long a charge or authorization takes. */
  slowMs: number;
  /** `tok_late`: the authorization lands this late: after the activity's attempt timeout (30 s). */
  lateMs: number;
  /** `tok_silent`: the authorization lands this late: after the saga gave up (5 min); null: never. */
  silentMs: number | null;
  /** Every refund and void fails this many times per key first (a fault knob for compensations). */
  refundFailures: number;
  /** Added to every call. */
  latencyMs: number;
  /** How often a caller waiting for a processing payment asks again. */
  pollMs: number;
  /** The test cards behave as named; off (SHOP_SIMULATORS=false), every token simply pays. */
  magicTokens: boolean;
}

export const DEFAULT_PAYMENT_SIMULATOR: PaymentSimulatorConfig = {
  flakyFailures: 2,
  slowMs: 3_000,
  lateMs: 45_000,
  silentMs: 10 * 60_000,
  refundFailures: 0,
  latencyMs: 0,
  pollMs: 100,
  magicTokens: true,
};

/**
 * The simulated gateway's tokens: every money path reachable from the REST API. With the simulators
 * off (SHOP_SIMULATORS=false) they are ordinary tokens (and the API refuses them).
 */
export const SIMULATOR_TOKENS = {
  declined: 'tok_declined',
  flaky: 'tok_flaky',
  slow: 'tok_slow',
  unavailable: 'tok_unavailable',
  late: 'tok_late',
  twice: 'tok_twice',
  silent: 'tok_silent',
} as const;

/** The token as the simulator treats it: with the test cards off, every token simply pays. */
export function effectiveToken(settings: Pick<PaymentSimulatorConfig, 'magicTokens'>, token: string): string {
  return settings.magicTokens ? token : 'tok_plain';
}

export type PaymentSimulator = PaymentGateway & {
  ledger: GatewayLedger;
  book: PaymentBook;
  calls(key: string): number;
  /** What the gateway knows of a key (undefined: nothing ever reached it). */
  lookup(paymentKey: string): Promise<PaymentRecord | undefined>;
  /** What the customer of an order has on hold and has paid, right now. */
  balance(orderId: string): Promise<{ held: number; taken: number }>;
};

/**
 * A deterministic card processor: `tok_declined` declines, `tok_flaky` loses its first answers,
 * `tok_slow` is slow, `tok_unavailable` never reaches the gateway, `tok_late` answers after the
 * attempt's timeout, `tok_silent` after the saga gave up, `tok_twice` answers every call twice; any
 * other `tok_*` pays. Everything is kept by idempotency key, so a retry never takes money twice.
 */
export function createPaymentSimulator(
  config: Partial<PaymentSimulatorConfig> = {},
  ledger: GatewayLedger = memoryLedger(),
  book: PaymentBook = memoryPaymentBook(),
): PaymentSimulator {
  const settings = { ...DEFAULT_PAYMENT_SIMULATOR, ...config };
  const calls = new Map<string, number>();
  const count = (key: string) => {
    const n = (calls.get(key) ?? 0) + 1;
    calls.set(key, n);
    return n;
  };
  const pause = (ms: number, signal?: AbortSignal) =>
    ms > 0 ? sleep(ms, undefined, signal ? { signal } : {}) : Promise.resolve();

  return {
    ledger,
    book,
    calls: (key) => calls.get(key) ?? 0,
    ...createPaymentIntents(book, settings, { count, pause }),
    async charge(request, signal) {
      const call = count(request.idempotencyKey);
      await pause(settings.latencyMs, signal);
      const token = effectiveToken(settings, request.token);
      if (token === SIMULATOR_TOKENS.declined) throw new CardDeclinedError('card declined by issuer');
      if (token === SIMULATOR_TOKENS.unavailable) throw new GatewayUnavailableError('gateway unreachable');
      if (token === SIMULATOR_TOKENS.slow) await pause(settings.slowMs, signal);
      const charge = () =>
        ledger.record({
          idempotencyKey: request.idempotencyKey,
          kind: 'charge',
          orderId: request.orderId,
          amount: request.amount,
          reference: referenceFor('ch', request.idempotencyKey),
        });
      if (token === SIMULATOR_TOKENS.flaky && call <= settings.flakyFailures) {
        // The worst case first: money taken, answer lost. Only the idempotency key saves us.
        if (call === 1) await charge();
        throw new GatewayUnavailableError(`gateway unavailable (call ${call})`);
      }
      const entry = await charge();
      return { chargeId: entry.reference!, amount: entry.amount };
    },
    async refund(request, signal) {
      const call = count(request.idempotencyKey);
      await pause(settings.latencyMs, signal);
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
