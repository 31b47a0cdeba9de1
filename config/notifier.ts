import { hostname } from 'node:os';
import { z } from 'zod';
import { keyringOf, vaultKeyKnobs } from './keys';
import {
  LOCAL_POSTGRES,
  leaseKnobs,
  leaseTiming,
  logLevel,
  port,
  positive,
  positiveInt,
  postgresUrl,
} from './knobs';
import { configLoader } from './read';

/** Every setting the notifier reads, with its documented default; parsed once at start-up. */
export const notifierConfigSchema = z
  .object({
    DATABASE_URL: postgresUrl.default(LOCAL_POSTGRES),
    /** The provider's base URL; when unset, the notifier starts the provider simulator in-process. */
    NOTIFICATION_PROVIDER_URL: z.url().optional(),
    /** Port of the in-process simulator (only when NOTIFICATION_PROVIDER_URL is unset); 0 = any free port. */
    NOTIFICATION_SIMULATOR_PORT: port.default(4010),
    /** The notifier's own GET /metrics; 0 = any free port. */
    NOTIFIER_METRICS_PORT: port.default(9466),
    /** Where /metrics listens: loopback by default, 0.0.0.0 in a container a scraper reaches from outside. */
    NOTIFIER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    /** Names this instance in logs and to the provider; default `<hostname>-<pid>`. */
    NOTIFIER_INSTANCE_ID: z.string().min(1).optional(),
    /** Consecutive transient provider failures that open the circuit breaker. */
    NOTIFIER_BREAKER_THRESHOLD: positiveInt.default(5),
    /** While the breaker is open, one probe call this often. */
    NOTIFIER_BREAKER_HALF_OPEN_MS: positiveInt.default(10_000),
    /** Calls per retry round while the breaker is closed (the first one included). */
    NOTIFIER_RETRY_MAX_ATTEMPTS: positiveInt.default(3),
    NOTIFIER_RETRY_INITIAL_MS: positiveInt.default(200),
    NOTIFIER_RETRY_MAX_MS: positiveInt.default(2_000),
    /** A provider call slower than this counts as a transient failure. */
    NOTIFIER_REQUEST_TIMEOUT_MS: positiveInt.default(2_000),
    NOTIFIER_BATCH_SIZE: positiveInt.max(10_000).default(100),
    /** How often a standby instance tries to take over. */
    NOTIFIER_STANDBY_POLL_MS: positiveInt.default(1_000),
    ...leaseKnobs,
    /** Fault injection for crash drills: SIGKILL this process after the nth acknowledged send, before its checkpoint. */
    NOTIFIER_CRASH_AFTER_SEND: positiveInt.optional(),
    LOG_LEVEL: logLevel,
    /** The vault: the notifier reads the customer's name there to greet them. */
    ...vaultKeyKnobs,
    /** Replayed dead letters are deleted after this many days. */
    NOTIFIER_DEAD_LETTER_RETENTION_DAYS: positive(30),
    /** How often that retention sweep runs. */
    NOTIFIER_PRUNE_INTERVAL_MS: positiveInt.default(3_600_000),
  })
  .refine((e) => e.NOTIFIER_RETRY_INITIAL_MS <= e.NOTIFIER_RETRY_MAX_MS, {
    path: ['NOTIFIER_RETRY_INITIAL_MS'],
    message: 'must not exceed NOTIFIER_RETRY_MAX_MS',
  })
  .transform((e, ctx) => ({
    databaseUrl: e.DATABASE_URL,
    providerUrl: e.NOTIFICATION_PROVIDER_URL as string | undefined,
    simulatorPort: e.NOTIFICATION_SIMULATOR_PORT,
    metricsPort: e.NOTIFIER_METRICS_PORT,
    metricsHost: e.NOTIFIER_METRICS_HOST,
    instanceId: e.NOTIFIER_INSTANCE_ID ?? `${hostname()}-${process.pid}`,
    policy: {
      breakerThreshold: e.NOTIFIER_BREAKER_THRESHOLD,
      halfOpenAfterMs: e.NOTIFIER_BREAKER_HALF_OPEN_MS,
      retryMaxAttempts: e.NOTIFIER_RETRY_MAX_ATTEMPTS,
      retryInitialDelayMs: e.NOTIFIER_RETRY_INITIAL_MS,
      retryMaxDelayMs: e.NOTIFIER_RETRY_MAX_MS,
    },
    requestTimeoutMs: e.NOTIFIER_REQUEST_TIMEOUT_MS,
    batchSize: e.NOTIFIER_BATCH_SIZE,
    standbyPollMs: e.NOTIFIER_STANDBY_POLL_MS,
    lease: leaseTiming(e),
    crashAfterSend: e.NOTIFIER_CRASH_AFTER_SEND as number | undefined,
    logLevel: e.LOG_LEVEL,
    vaultKeys: keyringOf(e.VAULT_MASTER_KEYS, e.VAULT_CURRENT_KEY_ID, 'VAULT_MASTER_KEYS', ctx),
    deadLetterRetentionMs: e.NOTIFIER_DEAD_LETTER_RETENTION_DAYS * 86_400_000,
    pruneIntervalMs: e.NOTIFIER_PRUNE_INTERVAL_MS,
  }));

export type NotifierConfig = z.output<typeof notifierConfigSchema>;

export const loadNotifierConfig = configLoader(notifierConfigSchema);

/** Defaults overridden field by field, for tests and in-process runs. */
export const notifierConfig = (overrides: Partial<NotifierConfig> = {}): NotifierConfig => ({
  ...loadNotifierConfig({}),
  ...overrides,
});
