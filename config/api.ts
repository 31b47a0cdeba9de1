import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isTimeZone, machineTimeZone } from '../domain/shopDay';
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
    /** Successful reads (GET/HEAD under 400) log their `request completed` line at info when true, else at debug. */
    API_ACCESS_LOG_READS: z.stringbool().default(false),
    /** Larger request bodies are refused with 413. */
    API_MAX_BODY_BYTES: positiveInt.default(16_384),
    /** `?minPosition=` waits at most this long, then answers 503 with Retry-After. */
    API_MIN_POSITION_TIMEOUT_MS: positiveInt.default(5_000),
    /** /readyz reports `degraded` (still 200) when the slowest projection is further behind than this many events. */
    API_MAX_PROJECTION_LAG: positiveInt.default(1_000),
    API_SSE_HEARTBEAT_MS: positiveInt.default(15_000),
    /** How often an SSE stream re-reads when no change notification came (fallback). */
    API_SSE_POLL_MS: positiveInt.default(2_000),
    /** POST /orders waits this long for `OrderPlaced`, then 503 + Retry-After (the saga goes on; a retry with the same key joins it). */
    API_PLACE_ORDER_TIMEOUT_MS: positiveInt.default(8_000),
    /** Meanwhile Postgres is probed this often: unreachable → 503 at once. */
    API_PLACE_ORDER_PROBE_MS: positiveInt.default(1_000),
    /** Placements one API process works on at once; beyond, POST /orders answers 503 + Retry-After at once. */
    API_MAX_PLACEMENTS_IN_FLIGHT: positiveInt.default(16),
    /** The longest Retry-After a 503 of POST /orders asks for (it grows with the backlog and the outage). */
    API_MAX_RETRY_AFTER_SECONDS: positiveInt.default(30),
    /** gRPC keepalive to Temporal: a ping after this much silence (Temporal refuses pings more often than every 10 s)… */
    TEMPORAL_KEEPALIVE_MS: z.coerce.number().int().min(10_000).default(15_000),
    /** …unanswered this long, the channel is dropped and calls fail over to a new one. */
    TEMPORAL_KEEPALIVE_TIMEOUT_MS: positiveInt.default(5_000),
    TEMPORAL_CONNECT_TIMEOUT_MS: positiveInt.default(5_000),
    /** How long graceful shutdown waits for requests in flight. */
    API_SHUTDOWN_GRACE_MS: positiveInt.default(10_000),
    /** How long a READY drink waits for its customer before it is written off (unset: the domain's 30 min). */
    ORDER_PICKUP_WINDOW_SECONDS: positiveInt.optional(),
    /**
     * The payment gateway and coffee machine are simulators: the customer page offers their test cards,
     * and orders may carry their switches (`machine`, `tok_flaky`…). Off, those are refused with 400.
     */
    SHOP_SIMULATORS: z.stringbool().default(true),
    /** The shop's IANA time zone: the board shows finished orders of this zone's current day. */
    SHOP_TIME_ZONE: z
      .string()
      .refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Lisbon or UTC' })
      .default(machineTimeZone),
    /** How many times a drink sent back is made again before the order fails and is refunded. */
    ORDER_MAX_REMAKES: z.coerce.number().int().min(0).max(10).default(DEFAULT_MAX_REMAKES),
    /** How long a saga tries for the card's hold before it voids the key (unset: the saga's 5 min). */
    ORDER_PAYMENT_GIVE_UP_SECONDS: positiveInt.optional(),
    /** Order tokens are derived from this secret (≥ 32 characters); `npm start` creates one under .data/. */
    API_TOKEN_SECRET: z.string().min(32, 'at least 32 characters (e.g. `openssl rand -base64 32`)'),
    /** Staff JWTs: the identity provider's JWKS URL (any OIDC provider)… */
    AUTH_JWKS_URL: z.url().optional(),
    /** …or a local JWKS file (`npm start` writes one beside its signing key). */
    AUTH_JWKS_FILE: z.string().min(1).optional(),
    AUTH_ISSUER: z.string().min(1).default('brew-saga-dev'),
    AUTH_AUDIENCE: z.string().min(1).default('brew-saga-api'),
    /** Where a staff JWT lists its roles (`barista`, `manager`); a dotted path for nested claims. */
    AUTH_ROLES_CLAIM: z.string().min(1).default('roles'),
    /** Idempotency keys are kept this long (at least a day), then pruned by the API itself. */
    API_IDEMPOTENCY_RETENTION_HOURS: z.coerce.number().min(24).default(24),
    API_IDEMPOTENCY_PRUNE_EVERY_MS: positiveInt.default(3_600_000),
    /** Rate limits per client and window: orders placed, commands, failed authentications. */
    API_RATE_WINDOW_MS: positiveInt.default(60_000),
    API_RATE_ORDERS: positiveInt.default(60),
    API_RATE_COMMANDS: positiveInt.default(120),
    API_RATE_AUTH_FAILURES: positiveInt.default(30),
    /** Open Server-Sent Events streams: in total and per client; over either, 429. */
    API_SSE_MAX_STREAMS: positiveInt.default(1_000),
    API_SSE_MAX_STREAMS_PER_CLIENT: positiveInt.default(10),
    /** A stream whose unsent bytes stay above this (1 s, or 4× at once) is a slow reader: dropped, it resumes by Last-Event-ID. */
    API_SSE_MAX_BUFFERED_BYTES: positiveInt.default(256 * 1024),
    /** Short: during an outage a request waiting for a connection must answer 503 quickly. */
    API_PG_CONNECT_TIMEOUT_MS: positiveInt.default(2_000),
    API_PG_STATEMENT_TIMEOUT_MS: positiveInt.default(5_000),
    API_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS: positiveInt.default(10_000),
    /** Origins allowed to call from a browser (comma-separated); none by default: no CORS at all. */
    API_CORS_ORIGINS: z.string().default(''),
    /** Express `trust proxy` behind a load balancer (a hop count, `true`, or addresses), so limits count clients. */
    API_TRUST_PROXY: z.string().optional(),
    ...vaultKeyKnobs,
    ...codecKeyKnobs,
    /** Codec server requests (the Web UI decoding a history page) may be this large. */
    CODEC_MAX_BODY_BYTES: positiveInt.default(4 * 1024 * 1024),
    /** The codec server answers callers on this machine without a staff token (`npm start` only: behind a proxy everyone is local). */
    CODEC_LOOPBACK_WITHOUT_TOKEN: z.stringbool().default(false),
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
    accessLogReads: e.API_ACCESS_LOG_READS,
    maxBodyBytes: e.API_MAX_BODY_BYTES,
    minPositionTimeoutMs: e.API_MIN_POSITION_TIMEOUT_MS,
    maxProjectionLag: e.API_MAX_PROJECTION_LAG,
    sseHeartbeatMs: e.API_SSE_HEARTBEAT_MS,
    ssePollMs: e.API_SSE_POLL_MS,
    shutdownGraceMs: e.API_SHUTDOWN_GRACE_MS,
    placeOrderTimeoutMs: e.API_PLACE_ORDER_TIMEOUT_MS,
    placeOrderProbeMs: e.API_PLACE_ORDER_PROBE_MS,
    admission: {
      maxInFlight: e.API_MAX_PLACEMENTS_IN_FLIGHT,
      maxRetryAfterSeconds: e.API_MAX_RETRY_AFTER_SECONDS,
    },
    temporalConnection: {
      keepAliveMs: e.TEMPORAL_KEEPALIVE_MS,
      keepAliveTimeoutMs: e.TEMPORAL_KEEPALIVE_TIMEOUT_MS,
      connectTimeoutMs: e.TEMPORAL_CONNECT_TIMEOUT_MS,
    },
    pickupWindowSeconds: e.ORDER_PICKUP_WINDOW_SECONDS as number | undefined,
    simulators: e.SHOP_SIMULATORS,
    shopTimeZone: e.SHOP_TIME_ZONE,
    maxRemakes: e.ORDER_MAX_REMAKES,
    paymentGiveUpSeconds: e.ORDER_PAYMENT_GIVE_UP_SECONDS as number | undefined,
    tokenSecret: e.API_TOKEN_SECRET,
    auth: {
      jwksUrl: e.AUTH_JWKS_URL as string | undefined,
      jwksFile: e.AUTH_JWKS_FILE as string | undefined,
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      rolesClaim: e.AUTH_ROLES_CLAIM,
    },
    idempotency: {
      retentionHours: e.API_IDEMPOTENCY_RETENTION_HOURS,
      pruneEveryMs: e.API_IDEMPOTENCY_PRUNE_EVERY_MS,
    },
    rateLimits: {
      windowMs: e.API_RATE_WINDOW_MS,
      orders: e.API_RATE_ORDERS,
      commands: e.API_RATE_COMMANDS,
      authFailures: e.API_RATE_AUTH_FAILURES,
    },
    sseMaxStreams: e.API_SSE_MAX_STREAMS,
    sseMaxStreamsPerClient: e.API_SSE_MAX_STREAMS_PER_CLIENT,
    sseMaxBufferedBytes: e.API_SSE_MAX_BUFFERED_BYTES,
    postgres: {
      connectionTimeoutMillis: e.API_PG_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.API_PG_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: e.API_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    corsOrigins: e.API_CORS_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    trustProxy: trustProxy(e.API_TRUST_PROXY),
    vaultKeys: keyringOf(e.VAULT_MASTER_KEYS, e.VAULT_CURRENT_KEY_ID, 'VAULT_MASTER_KEYS', ctx),
    codecKeys: keyringOf(e.TEMPORAL_CODEC_KEYS, e.TEMPORAL_CODEC_KEY_ID, 'TEMPORAL_CODEC_KEYS', ctx),
    codecMaxBodyBytes: e.CODEC_MAX_BODY_BYTES,
    codecLoopbackWithoutToken: e.CODEC_LOOPBACK_WITHOUT_TOKEN,
  }));

function trustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

export type ApiConfig = z.output<typeof apiConfigSchema>;

export const loadApiConfig = configLoader(apiConfigSchema);

// One per process, so every API a test starts derives the same order tokens.
let testTokenSecret: string | undefined;

/** Defaults for tests, overridden field by field; the token secret is random per process. */
export const apiConfig = (overrides: Partial<ApiConfig> = {}): ApiConfig => {
  testTokenSecret ??= randomBytes(32).toString('base64url');
  return { ...loadApiConfig({ API_TOKEN_SECRET: testTokenSecret }), ...overrides };
};
