// The HTTP API: `tsx bin/api.ts`. Config from the environment (see api/config.ts), validated once.
import { InvalidConfig, loadApiConfig } from '../api/config';
import { createLogger } from '../api/logger';
import { startApi } from '../api/server';

let config: ReturnType<typeof loadApiConfig>;
try {
  config = loadApiConfig();
} catch (error) {
  if (error instanceof InvalidConfig) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
const logger = createLogger(config.logLevel);
const api = await startApi({ config, logger });
console.log(`[api] listening on ${api.url} (board: ${api.url}/board, OpenAPI: ${api.url}/openapi.json)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    api.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
