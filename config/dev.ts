import { resolve } from 'node:path';
import { z } from 'zod';
import { port, postgresUrl } from './knobs';
import { configLoader } from './read';
import { dataDirOf } from './runningSystem';

/** `npm start`'s own knobs; every other variable passes through to the processes it runs. */
export const devConfigSchema = z
  .object({
    /** Use this Postgres instead of starting the embedded one. */
    DATABASE_URL: postgresUrl.optional(),
    /** Use this Temporal instead of starting the dev server. */
    TEMPORAL_ADDRESS: z.string().min(1).optional(),
    /** The Web UI of that Temporal (ignored when the dev server runs: it brings its own). */
    TEMPORAL_UI_URL: z.url().default('http://127.0.0.1:8233'),
    /** Embedded Postgres data, Temporal's history file and running.json (how operator tools find us) live here. */
    BREW_SAGA_DATA_DIR: z.string().min(1).default(dataDirOf({})),
    PORT: port.default(3000),
    EMBEDDED_PG_PORT: port.default(54329),
    TEMPORAL_PORT: port.default(7233),
    TEMPORAL_UI_PORT: port.default(8233),
    /** Only printed here: the notifier reads it itself. */
    NOTIFIER_METRICS_PORT: port.default(9466),
  })
  .transform((e) => ({
    databaseUrl: e.DATABASE_URL as string | undefined,
    temporalAddress: e.TEMPORAL_ADDRESS as string | undefined,
    temporalUiUrl: e.TEMPORAL_UI_URL,
    dataDir: resolve(e.BREW_SAGA_DATA_DIR),
    apiPort: e.PORT,
    postgresPort: e.EMBEDDED_PG_PORT,
    temporalPort: e.TEMPORAL_PORT,
    temporalUiPort: e.TEMPORAL_UI_PORT,
    notifierMetricsPort: e.NOTIFIER_METRICS_PORT,
  }));

export type DevConfig = z.output<typeof devConfigSchema>;

export const loadDevConfig = configLoader(devConfigSchema);
