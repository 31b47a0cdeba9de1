import { z } from 'zod';
import { DEFAULT_MAX_REMAKES, ORDERS_TASK_QUEUE } from '../workflows/contract';
import { codecKeyKnobs, keyringOf, vaultKeyKnobs } from './keys';
import { LOCAL_POSTGRES, logLevel, port, positiveInt, postgresUrl, temporalKnobs } from './knobs';
import { configLoader } from './read';

/** Every setting the API reads, with its documented default; parsed once at start-up. */
export const apiConfigSchema = z
  .object({
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port.default(3000),
    DATABASE_URL: postgresUrl.default(LOCAL_POSTGRES),
    ...temporalKnobs,
    TEMPORAL_TASK_QUEUE: z.string().min(1).default(ORDERS_TASK_QUEUE),
    TEMPORAL_UI_URL: z.url().default('http://127.0.0.1:8233'),
    LOG_LEVEL: logLevel,
    /** Larger request bodies are refused with 413. */
    API_MAX_BODY_BYTES: positiveInt.default(16_384),
    /** `?minPosition=` waits at most this long, then answers 503 with Retry-After. */
    API_MIN_POSITION_TIMEOUT_MS: positiveInt.default(5_000),
    /** /readyz answers 503 when the slowest projection is further behind than this many events. */
    API_MAX_PROJECTION_LAG: positiveInt.default(1_000),
    API_SSE_HEARTBEAT_MS: positiveInt.default(15_000),
    /** How often an SSE stream re-reads when no change notification came (fallback). */
    API_SSE_POLL_MS: positiveInt.default(2_000),
    /** How long graceful shutdown waits for requests in flight. */
    API_SHUTDOWN_GRACE_MS: positiveInt.default(10_000),
    /** How long a READY drink waits for its customer before it is written off (unset: the domain's 30 min). */
    ORDER_PICKUP_WINDOW_SECONDS: positiveInt.optional(),
    /** The payment gateway and coffee machine are simulators: the customer page offers their test cards. */
    SHOP_SIMULATORS: z.stringbool().default(true),
    /** How many times a drink sent back is made again before the order fails and is refunded. */
    ORDER_MAX_REMAKES: z.coerce.number().int().min(0).max(10).default(DEFAULT_MAX_REMAKES),
    /** How long a saga tries for the card's hold before it voids the key (unset: the saga's 5 min). */
    ORDER_PAYMENT_GIVE_UP_SECONDS: positiveInt.optional(),
    ...vaultKeyKnobs,
    ...codecKeyKnobs,
    /** Codec server requests (the Web UI decoding a history page) may be this large. */
    CODEC_MAX_BODY_BYTES: positiveInt.default(4 * 1024 * 1024),
  })
  .transform((e, ctx) => ({
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    temporalAddress: e.TEMPORAL_ADDRESS,
    temporalNamespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    temporalUiUrl: e.TEMPORAL_UI_URL.replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    maxBodyBytes: e.API_MAX_BODY_BYTES,
    minPositionTimeoutMs: e.API_MIN_POSITION_TIMEOUT_MS,
    maxProjectionLag: e.API_MAX_PROJECTION_LAG,
    sseHeartbeatMs: e.API_SSE_HEARTBEAT_MS,
    ssePollMs: e.API_SSE_POLL_MS,
    shutdownGraceMs: e.API_SHUTDOWN_GRACE_MS,
    pickupWindowSeconds: e.ORDER_PICKUP_WINDOW_SECONDS as number | undefined,
    simulators: e.SHOP_SIMULATORS,
    maxRemakes: e.ORDER_MAX_REMAKES,
    paymentGiveUpSeconds: e.ORDER_PAYMENT_GIVE_UP_SECONDS as number | undefined,
    vaultKeys: keyringOf(e.VAULT_MASTER_KEYS, e.VAULT_CURRENT_KEY_ID, 'VAULT_MASTER_KEYS', ctx),
    codecKeys: keyringOf(e.TEMPORAL_CODEC_KEYS, e.TEMPORAL_CODEC_KEY_ID, 'TEMPORAL_CODEC_KEYS', ctx),
    codecMaxBodyBytes: e.CODEC_MAX_BODY_BYTES,
  }));

export type ApiConfig = z.output<typeof apiConfigSchema>;

export const loadApiConfig = configLoader(apiConfigSchema);

/** Defaults for tests and embedded runs, overridden field by field. */
export const apiConfig = (overrides: Partial<ApiConfig> = {}): ApiConfig => ({
  ...loadApiConfig({}),
  ...overrides,
});
