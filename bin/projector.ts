// The projector: folds the log into the read models the API serves (configuration: config/projector.ts).
// Run as many as you like; one instance per projection is active (advisory lock), the others stand by.
import { loadProjectorConfig } from '../config/projector';
import { configOrExit } from '../config/read';
import { loadTelemetryConfig } from '../config/telemetry';
import { createPool } from '../postgres';
import { shopProcess } from '../processes/list';
import { processLogger } from '../processes/log';
import { stopOnSignal } from '../processes/stopOnSignal';
import { startProjector } from '../projections';
import { startTelemetry } from '../telemetry/start';

const config = configOrExit('projector', loadProjectorConfig);
const telemetry = await startTelemetry(
  shopProcess('projector').serviceName,
  configOrExit('projector', loadTelemetryConfig),
);
const logger = processLogger('projector');
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
stopOnSignal(
  'projector',
  () =>
    projector
      .stop()
      .then(() => pool.end())
      .finally(telemetry.stop),
  logger,
);
