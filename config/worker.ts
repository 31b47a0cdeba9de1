import { z } from 'zod';
import { DEFAULT_COFFEE_MACHINE, DEFAULT_PAYMENT_SIMULATOR } from '../simulators';
import { BARISTA_TASK_QUEUE, ORDERS_TASK_QUEUE } from '../workflows/definitions';
import { codecKeyKnobs, keyringOf, vaultKeyKnobs } from './keys';
import { count, positive, positiveInt, postgresUrl, temporalKnobs } from './knobs';
import { configLoader } from './read';

/** The `orders` worker: the saga, its appends, and the simulated payment gateway's fault knobs. */
export const ordersWorkerConfigSchema = z
  .object({
    ...temporalKnobs,
    DATABASE_URL: postgresUrl,
    ORDERS_TASK_QUEUE: z.string().min(1).default(ORDERS_TASK_QUEUE),
    /** Where the simulated gateway keeps its books: `postgres` (tables gateway_charges, gateway_payments) or `memory`. */
    GATEWAY_LEDGER: z.enum(['postgres', 'memory']).default('postgres'),
    /** `tok_flaky`: calls per key that fail before one succeeds. */
    GATEWAY_FLAKY_FAILURES: count(DEFAULT_PAYMENT_SIMULATOR.flakyFailures),
    /** `tok_slow`: how long a charge takes. */
    GATEWAY_SLOW_MS: count(DEFAULT_PAYMENT_SIMULATOR.slowMs),
    /** Every refund key fails this many times first. */
    GATEWAY_REFUND_FAILURES: count(DEFAULT_PAYMENT_SIMULATOR.refundFailures),
    /** Added to every gateway call. */
    GATEWAY_LATENCY_MS: count(DEFAULT_PAYMENT_SIMULATOR.latencyMs),
    /** `tok_late`: the authorization lands after the activity's attempt timed out. */
    GATEWAY_LATE_MS: count(DEFAULT_PAYMENT_SIMULATOR.lateMs),
    /** `tok_silent`: the authorization lands after the saga gave up (0: never). */
    GATEWAY_SILENT_MS: count(DEFAULT_PAYMENT_SIMULATOR.silentMs ?? 0),
    /** The test cards (`tok_flaky`, `tok_declined`…) behave as named; false in production: every token pays. */
    SHOP_SIMULATORS: z.stringbool().default(true),
    ...vaultKeyKnobs,
    ...codecKeyKnobs,
    /** How often the vault's retention sweep runs (card tokens of settled payments). */
    VAULT_PRUNE_INTERVAL_MS: positiveInt.default(60_000),
    /** A card token whose payment never settled (its saga never started) is destroyed after this long. */
    VAULT_TOKEN_MAX_AGE_HOURS: positive(24),
  })
  .transform((e, ctx) => ({
    temporalAddress: e.TEMPORAL_ADDRESS,
    namespace: e.TEMPORAL_NAMESPACE,
    databaseUrl: e.DATABASE_URL,
    taskQueue: e.ORDERS_TASK_QUEUE,
    ledger: e.GATEWAY_LEDGER,
    gateway: {
      flakyFailures: e.GATEWAY_FLAKY_FAILURES,
      slowMs: e.GATEWAY_SLOW_MS,
      refundFailures: e.GATEWAY_REFUND_FAILURES,
      latencyMs: e.GATEWAY_LATENCY_MS,
      lateMs: e.GATEWAY_LATE_MS,
      silentMs: e.GATEWAY_SILENT_MS || null,
      magicTokens: e.SHOP_SIMULATORS,
    },
    vaultKeys: keyringOf(e.VAULT_MASTER_KEYS, e.VAULT_CURRENT_KEY_ID, 'VAULT_MASTER_KEYS', ctx),
    codecKeys: keyringOf(e.TEMPORAL_CODEC_KEYS, e.TEMPORAL_CODEC_KEY_ID, 'TEMPORAL_CODEC_KEYS', ctx),
    vaultRetention: {
      pruneIntervalMs: e.VAULT_PRUNE_INTERVAL_MS,
      maxTokenAgeMs: e.VAULT_TOKEN_MAX_AGE_HOURS * 3_600_000,
    },
  }));
export type OrdersWorkerConfig = z.output<typeof ordersWorkerConfigSchema>;

/** A barista: the `barista` queue and the simulated coffee machine's knobs. */
export const baristaConfigSchema = z
  .object({
    ...temporalKnobs,
    BARISTA_TASK_QUEUE: z.string().min(1).default(BARISTA_TASK_QUEUE),
    /** Drinks (with batching: machine runs) this barista makes at once. */
    BARISTA_CONCURRENCY: z.coerce.number().int().min(1).default(4),
    /** A batch waits this long for more cups of its drink and size; 0 brews every order on its own. */
    BARISTA_BATCH_WINDOW_MS: count(300),
    /** Cups one machine run makes at most. */
    BARISTA_BATCH_MAX_CUPS: z.coerce.number().int().min(1).default(6),
    /** 1 brews in real time; the default 0.1 makes a latte in 6 s. */
    COFFEE_BREW_SCALE: positive(0.1),
    /** A `jam` line fails this many brew calls per order before it clears. */
    COFFEE_JAM_FAILURES: count(DEFAULT_COFFEE_MACHINE.jamFailures),
    /** A `slow` line takes this many times longer. */
    COFFEE_SLOW_FACTOR: positive(DEFAULT_COFFEE_MACHINE.slowFactor),
    /** Longest wait between heartbeats while a drink brews. */
    COFFEE_TICK_MS: positive(DEFAULT_COFFEE_MACHINE.tickMs),
    /** Each cup after the first in a batch adds this share of one cup's brew time. */
    COFFEE_BATCH_CUP_FACTOR: z.coerce.number().min(0).max(1).default(DEFAULT_COFFEE_MACHINE.batchCupFactor),
    /** A line's `machine` switch (jam, broken, slow) is honoured; false in production: ignored. */
    SHOP_SIMULATORS: z.stringbool().default(true),
    ...codecKeyKnobs,
  })
  .transform((e, ctx) => ({
    temporalAddress: e.TEMPORAL_ADDRESS,
    namespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.BARISTA_TASK_QUEUE,
    maxConcurrentBrews: e.BARISTA_CONCURRENCY,
    batching:
      e.BARISTA_BATCH_WINDOW_MS > 0
        ? { windowMs: e.BARISTA_BATCH_WINDOW_MS, maxCups: e.BARISTA_BATCH_MAX_CUPS }
        : undefined,
    coffeeMachine: {
      brewScale: e.COFFEE_BREW_SCALE,
      jamFailures: e.COFFEE_JAM_FAILURES,
      slowFactor: e.COFFEE_SLOW_FACTOR,
      tickMs: e.COFFEE_TICK_MS,
      batchCupFactor: e.COFFEE_BATCH_CUP_FACTOR,
      switches: e.SHOP_SIMULATORS,
    },
    codecKeys: keyringOf(e.TEMPORAL_CODEC_KEYS, e.TEMPORAL_CODEC_KEY_ID, 'TEMPORAL_CODEC_KEYS', ctx),
  }));
export type BaristaConfig = z.output<typeof baristaConfigSchema>;

export const loadOrdersWorkerConfig = configLoader(ordersWorkerConfigSchema);
export const loadBaristaConfig = configLoader(baristaConfigSchema);
