import { z } from 'zod';

// The pieces every process's schema is built from, so a port or a log level means one thing everywhere.
export const port = z.coerce.number().int().min(0).max(65_535);
export const positiveInt = z.coerce.number().int().positive();
export const count = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
export const positive = (fallback: number) => z.coerce.number().positive().default(fallback);
export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  .default('info');

/** Where a process finds Postgres when DATABASE_URL is unset (those that have a default). */
export const LOCAL_POSTGRES = 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
export const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' });

export const temporalKnobs = {
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
};

/**
 * A consumer's lease (projector, notifier): the holder's heartbeat, how long it waits for its
 * answer before giving the lease up, and how long a silent holder keeps it before a standby ends
 * its session. Takeover after a partition ≈ stale + one standby retry.
 */
export const leaseKnobs = {
  CONSUMER_LEASE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  CONSUMER_LEASE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(3_000),
  CONSUMER_LEASE_STALE_MS: z.coerce.number().int().min(500).max(600_000).default(5_000),
};

/** The lease knobs as `runConsumer` takes them. */
export const leaseTiming = (e: {
  CONSUMER_LEASE_HEARTBEAT_MS: number;
  CONSUMER_LEASE_TIMEOUT_MS: number;
  CONSUMER_LEASE_STALE_MS: number;
}) => ({
  heartbeatMs: e.CONSUMER_LEASE_HEARTBEAT_MS,
  heartbeatTimeoutMs: e.CONSUMER_LEASE_TIMEOUT_MS,
  staleAfterMs: e.CONSUMER_LEASE_STALE_MS,
});
