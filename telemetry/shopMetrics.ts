// The shop's story in metrics, beside each process's own (api/metrics.ts, notifications/metrics.ts).
// One registry, defined once; every process serves it (the API on /metrics, the others on
// METRICS_PORT). Features call the functions below; the metric names live here alone.
import { Counter, Histogram, Registry } from 'prom-client';

export const shopRegistry = new Registry();

export type SagaOutcome = 'completed' | 'rejected' | 'failed' | 'cancelled' | 'abandoned';
export type CompensationKind = 'refund' | 'void' | 'discard' | 'write_off' | 'rejected';
export type PaymentOutcome = 'charged' | 'declined' | 'authorized' | 'captured' | 'voided' | 'refunded';

const SAGA_OUTCOMES: SagaOutcome[] = ['completed', 'rejected', 'failed', 'cancelled', 'abandoned'];
const COMPENSATION_KINDS: CompensationKind[] = ['refund', 'void', 'discard', 'write_off', 'rejected'];
// The API's limits (api/limits.ts).
const RATE_LIMITS = ['orders', 'commands', 'authFailures'];
const PAYMENT_OUTCOMES: PaymentOutcome[] = [
  'charged',
  'declined',
  'authorized',
  'captured',
  'voided',
  'refunded',
];

const sagaDuration = new Histogram({
  name: 'brew_saga_duration_seconds',
  help: 'An order saga from OrderPlaced to its last fact, by outcome',
  labelNames: ['outcome'] as const,
  buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 2400, 3600, 7200],
  registers: [shopRegistry],
});
const timeToReady = new Histogram({
  name: 'brew_order_ready_seconds',
  help: 'From OrderPlaced to OrderReady: how long a customer waits for the drinks',
  buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600],
  registers: [shopRegistry],
});
const compensations = new Counter({
  name: 'brew_compensations_total',
  help: 'Compensations run by kind (refund, void, discard), write-offs of drinks nobody picked up, drinks sent back',
  labelNames: ['kind'] as const,
  registers: [shopRegistry],
});
const paymentOutcomes = new Counter({
  name: 'brew_payment_outcomes_total',
  help: 'Payment facts recorded by the saga, by outcome',
  labelNames: ['outcome'] as const,
  registers: [shopRegistry],
});
const remakes = new Counter({
  name: 'brew_remakes_total',
  help: 'Drinks rejected while READY and brewed again',
  labelNames: ['outcome'] as const,
  registers: [shopRegistry],
});
const batchSize = new Histogram({
  name: 'brew_barista_batch_size',
  help: 'Cups a batching barista made in one machine run',
  buckets: [1, 2, 3, 4, 6, 8, 12, 16, 24, 32],
  registers: [shopRegistry],
});
const vaultErrors = new Counter({
  name: 'brew_vault_errors_total',
  help: 'Personal-data vault operations that failed, by operation',
  labelNames: ['operation'] as const,
  registers: [shopRegistry],
});
const codecErrors = new Counter({
  name: 'brew_codec_errors_total',
  help: 'Temporal payloads the codec could not encode or decode, by direction',
  labelNames: ['direction'] as const,
  registers: [shopRegistry],
});
const rateLimitRefusals = new Counter({
  name: 'brew_rate_limit_refusals_total',
  help: 'Requests refused with 429 by a per-client rate limit, by limit (orders, commands, authFailures)',
  labelNames: ['limit'] as const,
  registers: [shopRegistry],
});

// Known series exist from the start at 0, so rate() sees the first increment.
for (const outcome of PAYMENT_OUTCOMES) paymentOutcomes.inc({ outcome }, 0);
for (const kind of COMPENSATION_KINDS) compensations.inc({ kind }, 0);
for (const direction of ['encode', 'decode']) codecErrors.inc({ direction }, 0);
for (const limit of RATE_LIMITS) rateLimitRefusals.inc({ limit }, 0);
for (const outcome of ['remade', 'limit_reached']) remakes.inc({ outcome }, 0);
for (const outcome of SAGA_OUTCOMES) sagaDuration.zero({ outcome });

export const observeSagaDuration = (outcome: SagaOutcome, seconds: number): void =>
  sagaDuration.observe({ outcome }, seconds);
export const observeTimeToReady = (seconds: number): void => timeToReady.observe(seconds);
export const countCompensation = (kind: CompensationKind): void => compensations.inc({ kind });
export const countPaymentOutcome = (outcome: PaymentOutcome): void => paymentOutcomes.inc({ outcome });
/** For the remake feature: a rejected drink brewed again (`remade`), or refused beyond the limit (`limit_reached`). */
export const countRemake = (outcome: 'remade' | 'limit_reached' = 'remade'): void => remakes.inc({ outcome });
/** For the batching barista: the cups in one machine run. */
export const observeBatchSize = (requests: number): void => batchSize.observe(requests);
/** For the vault: an operation (`keep`, `reveal`, `erase`, …) that failed. */
export const countVaultError = (operation: string): void => vaultErrors.inc({ operation });
/** For the payload codec (worker, client and the codec server). */
export const countCodecError = (direction: 'encode' | 'decode'): void => codecErrors.inc({ direction });
/** For the API's rate limits: a request refused with 429 by the named limit. */
export const countRateLimitRefusal = (limit: string): void => rateLimitRefusals.inc({ limit });
