import { z } from 'zod';
import { postgresUrl } from './knobs';
import { type Env, readConfig } from './read';

/** The operator's `npm run projections` and `npm run payments` need the database alone. */
export const loadCliConfig = (env: Env = process.env): { databaseUrl: string } =>
  readConfig(
    z.object({ DATABASE_URL: postgresUrl }).transform((e) => ({ databaseUrl: e.DATABASE_URL })),
    env,
  );
