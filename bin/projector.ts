// The projector: folds the log into the read models the API serves (configuration: config/projector.ts).
// Run as many as you like; one instance per projection is active (advisory lock), the others stand by.
import { pino } from 'pino';
import { loadProjectorConfig } from '../config/projector';
import { configOrExit } from '../config/read';
import { createPool } from '../postgres';
import { stopOnSignal } from '../processes/stopOnSignal';
import { startProjector } from '../projections';

const config = configOrExit('projector', loadProjectorConfig);
const logger = pino({ level: config.logLevel, base: { process: 'projector', pid: process.pid } });
const pool = createPool(config.databaseUrl, 'projector');
const projector = await startProjector({
  pool,
  logger,
  batchSize: config.batchSize,
  pollIntervalMs: config.pollIntervalMs,
  lockRetryMs: config.lockRetryMs,
  lease: config.lease,
});
logger.info({ projections: projector.runners.map((runner) => runner.name) }, 'projector started');
stopOnSignal('projector', () => projector.stop().then(() => pool.end()));
