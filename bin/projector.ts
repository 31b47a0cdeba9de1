// The projector: folds the log into the read models the API serves (configuration: config/projector.ts).
// Run as many as you like; one instance per projection is active (advisory lock), the others stand by.
import { loadProjectorConfig } from '../config/projector';
import { configOrExit } from '../config/read';
import { createPool } from '../postgres';
import { processLogger } from '../processes/log';
import { stopOnSignal } from '../processes/stopOnSignal';
import { startProjector } from '../projections';

const config = configOrExit('projector', loadProjectorConfig);
const logger = processLogger('projector');
const pool = createPool(config.databaseUrl, 'projector');
const projector = await startProjector({
  pool,
  logger,
  batchSize: config.batchSize,
  pollIntervalMs: config.pollIntervalMs,
  lockRetryMs: config.lockRetryMs,
});
logger.info({ projections: projector.runners.map((runner) => runner.name) }, 'projector started');
stopOnSignal('projector', () => projector.stop().then(() => pool.end()), logger);
