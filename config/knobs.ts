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
