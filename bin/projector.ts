// The projector process: folds the log into the read models the API serves. Run as many as
// you like; one instance per projection is active (advisory lock), the others stand by.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pino } from 'pino';
import { startProjector } from '../projections';
import { stopOnSignal } from './stopOnSignal';

export interface ProjectorConfig {
  databaseUrl: string;
  batchSize: number;
  pollIntervalMs: number;
  lockRetryMs: number;
  logLevel: string;
}

/** Environment, validated once at start-up; documented defaults. */
export function loadProjectorConfig(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  const problems: string[] = [];
  const databaseUrl = env.DATABASE_URL ?? '';
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must be a postgres:// URL');
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < min || value > max)
      problems.push(`${name} must be an integer from ${min} to ${max} (got ${raw})`);
    return value;
  };
  const config = {
    databaseUrl,
    batchSize: integer('PROJECTOR_BATCH_SIZE', 1000, 1, 10_000),
    pollIntervalMs: integer('PROJECTOR_POLL_INTERVAL_MS', 500, 10, 60_000),
    lockRetryMs: integer('PROJECTOR_LOCK_RETRY_MS', 1000, 10, 60_000),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(config.logLevel))
    problems.push(`LOG_LEVEL must be a pino level (got ${config.logLevel})`);
  if (problems.length > 0) throw new Error(`invalid configuration: ${problems.join('; ')}`);
  return config;
}

async function main(): Promise<void> {
  const config = loadProjectorConfig();
  const logger = pino({ level: config.logLevel, base: { process: 'projector', pid: process.pid } });
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 4 });
  const projector = await startProjector({
    pool,
    logger,
    batchSize: config.batchSize,
    pollIntervalMs: config.pollIntervalMs,
    lockRetryMs: config.lockRetryMs,
  });
  logger.info({ projections: projector.runners.map((runner) => runner.name) }, 'projector started');
  stopOnSignal(
    (signal) => logger.info({ signal }, 'projector stopping'),
    () => projector.stop().then(() => pool.end()),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`[projector] failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
