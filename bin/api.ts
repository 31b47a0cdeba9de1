// The HTTP API (configuration: config/api.ts).
import { createLogger } from '../api/logger';
import { startApi } from '../api/server';
import { loadApiConfig } from '../config/api';
import { configOrExit } from '../config/read';
import { loadTelemetryConfig } from '../config/telemetry';
import { shopProcess } from '../processes/list';
import { announce } from '../processes/log';
import { stopOnSignal } from '../processes/stopOnSignal';
import { startTelemetry } from '../telemetry/start';

const config = configOrExit('api', loadApiConfig);
const telemetry = await startTelemetry(
  shopProcess('api').serviceName,
  configOrExit('api', loadTelemetryConfig),
);
const logger = createLogger(config.logLevel);
const api = await startApi({ config, logger });
announce(logger, `listening on ${api.url} (board: ${api.url}/board, OpenAPI: ${api.url}/openapi.json)`);
stopOnSignal('api', () => api.stop().finally(telemetry.stop), logger);
