import { z } from 'zod';
import { postgresUrl } from './knobs';
import { type Env, readConfig } from './read';
import { operatorEnv, requireDatabase } from './runningSystem';

/**
 * The operator's `npm run projections` and `npm run payments` need the database alone: DATABASE_URL,
 * else the one the running `npm start` recorded; neither is a clear error naming both.
 */
export function loadCliConfig(env: Env = process.env, tool = 'this tool'): { databaseUrl: string } {
  const found = operatorEnv(env);
  requireDatabase(found, tool);
  return readConfig(
    z.object({ DATABASE_URL: postgresUrl }).transform((e) => ({ databaseUrl: e.DATABASE_URL })),
    found,
  );
}
