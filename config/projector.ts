import { z } from 'zod';
import { leaseKnobs, leaseTiming, logLevel, postgresUrl } from './knobs';
import { configLoader } from './read';

const integer = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** Every setting the projector reads, with its documented default; parsed once at start-up. */
export const projectorConfigSchema = z
  .object({
    DATABASE_URL: postgresUrl,
    /** Events applied per transaction. */
    PROJECTOR_BATCH_SIZE: integer(1, 10_000, 1000),
    /** How often the live tail reads when no wake-up came (fallback). */
    PROJECTOR_POLL_INTERVAL_MS: integer(10, 60_000, 500),
    /** How often a standby tries to take a projection's advisory lock. */
    PROJECTOR_LOCK_RETRY_MS: integer(10, 60_000, 1000),
    ...leaseKnobs,
    LOG_LEVEL: logLevel,
  })
  .transform((e) => ({
    databaseUrl: e.DATABASE_URL,
    batchSize: e.PROJECTOR_BATCH_SIZE,
    pollIntervalMs: e.PROJECTOR_POLL_INTERVAL_MS,
    lockRetryMs: e.PROJECTOR_LOCK_RETRY_MS,
    lease: leaseTiming(e),
    logLevel: e.LOG_LEVEL,
  }));

export type ProjectorConfig = z.output<typeof projectorConfigSchema>;

export const loadProjectorConfig = configLoader(projectorConfigSchema);
