import { z } from 'zod';
import { DEFAULT_COFFEE_MACHINE, DEFAULT_PAYMENT_SIMULATOR } from '../../activities';
import { BARISTA_TASK_QUEUE, ORDERS_TASK_QUEUE } from '../../workflows/definitions';

const count = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const positive = (fallback: number) => z.coerce.number().positive().default(fallback);

const temporal = {
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
};

export const ordersWorkerConfig = z.object({
  ...temporal,
  DATABASE_URL: z.string().url({ message: 'DATABASE_URL must be a postgres:// URL' }),
  ORDERS_TASK_QUEUE: z.string().min(1).default(ORDERS_TASK_QUEUE),
  /** Where the simulated gateway keeps its charges: `postgres` (table gateway_charges) or `memory`. */
  GATEWAY_LEDGER: z.enum(['postgres', 'memory']).default('postgres'),
  GATEWAY_FLAKY_FAILURES: count(DEFAULT_PAYMENT_SIMULATOR.flakyFailures),
  GATEWAY_SLOW_MS: count(DEFAULT_PAYMENT_SIMULATOR.slowMs),
  GATEWAY_REFUND_FAILURES: count(DEFAULT_PAYMENT_SIMULATOR.refundFailures),
  GATEWAY_LATENCY_MS: count(DEFAULT_PAYMENT_SIMULATOR.latencyMs),
  /** `tok_late`: the authorization lands after the activity's attempt timed out. */
  GATEWAY_LATE_MS: count(DEFAULT_PAYMENT_SIMULATOR.lateMs),
  /** `tok_silent`: the authorization lands after the saga gave up (0: never). */
  GATEWAY_SILENT_MS: count(DEFAULT_PAYMENT_SIMULATOR.silentMs ?? 0),
});
export type OrdersWorkerConfig = z.infer<typeof ordersWorkerConfig>;

export const baristaWorkerConfig = z.object({
  ...temporal,
  BARISTA_TASK_QUEUE: z.string().min(1).default(BARISTA_TASK_QUEUE),
  BARISTA_CONCURRENCY: z.coerce.number().int().min(1).default(4),
  /** 1 brews in real time; the default 0.1 makes a latte in 6 s. */
  COFFEE_BREW_SCALE: positive(0.1),
  COFFEE_JAM_FAILURES: count(DEFAULT_COFFEE_MACHINE.jamFailures),
  COFFEE_SLOW_FACTOR: positive(DEFAULT_COFFEE_MACHINE.slowFactor),
  COFFEE_TICK_MS: positive(DEFAULT_COFFEE_MACHINE.tickMs),
});
export type BaristaWorkerConfig = z.infer<typeof baristaWorkerConfig>;

/** Parses the environment once at start-up; a bad value stops the process with every problem listed. */
export function readConfig<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv = process.env): T {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`invalid configuration:\n${problems.join('\n')}`);
}

/** For entry points: a bad environment prints what is wrong and exits 1, without a stack trace. */
export function configOrExit<T>(schema: z.ZodType<T>, processName: string): T {
  try {
    return readConfig(schema);
  } catch (error) {
    console.error(`${processName}: ${(error as Error).message}`);
    process.exit(1);
  }
}
