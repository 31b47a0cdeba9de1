import { z } from 'zod';
import { ORDERS_TASK_QUEUE } from '../workflows/contract';

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();

/** Every setting the API reads, with its documented default; parsed once at start-up. */
export const apiConfigSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  DATABASE_URL: z.url().default('postgres://postgres:postgres@127.0.0.1:5432/postgres'),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(ORDERS_TASK_QUEUE),
  TEMPORAL_UI_URL: z.url().default('http://127.0.0.1:8233'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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
  /** How long a saga tries for the card's hold before it voids the key (unset: the saga's 5 min). */
  ORDER_PAYMENT_GIVE_UP_SECONDS: positiveInt.optional(),
});

export type ApiConfigEnv = z.infer<typeof apiConfigSchema>;

export interface ApiConfig {
  host: string;
  port: number;
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  temporalUiUrl: string;
  logLevel: ApiConfigEnv['LOG_LEVEL'];
  maxBodyBytes: number;
  minPositionTimeoutMs: number;
  maxProjectionLag: number;
  sseHeartbeatMs: number;
  ssePollMs: number;
  shutdownGraceMs: number;
  pickupWindowSeconds?: number;
  paymentGiveUpSeconds?: number;
}

export class InvalidConfig extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'InvalidConfig';
  }
}

/** Reads the environment once; a bad value stops start-up with every problem listed. */
export function loadApiConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  const parsed = apiConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new InvalidConfig(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  return {
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
    ...(e.ORDER_PICKUP_WINDOW_SECONDS ? { pickupWindowSeconds: e.ORDER_PICKUP_WINDOW_SECONDS } : {}),
    ...(e.ORDER_PAYMENT_GIVE_UP_SECONDS ? { paymentGiveUpSeconds: e.ORDER_PAYMENT_GIVE_UP_SECONDS } : {}),
  };
}

/** Defaults for tests and embedded runs, overridden field by field. */
export function apiConfig(overrides: Partial<ApiConfig> = {}): ApiConfig {
  return { ...loadApiConfig({}), ...overrides };
}
