// A barista: brews and writes off drinks from the `barista` queue. Run several; they compete.
import { configOrExit } from '../config/read';
import { loadTelemetryConfig } from '../config/telemetry';
import { loadBaristaConfig } from '../config/worker';
import { shopProcess } from '../processes/list';
import { announce, processLogger } from '../processes/log';
import { stopOnSignal } from '../processes/stopOnSignal';
import { startTelemetry } from '../telemetry/start';
import { startBarista } from '../workers/baristaWorker';
import { installTemporalLogging } from '../workers/temporalLogging';

const config = configOrExit('barista', loadBaristaConfig);
const telemetry = await startTelemetry(
  shopProcess('barista').serviceName,
  configOrExit('barista', loadTelemetryConfig),
);
const logger = processLogger('barista');
installTemporalLogging(logger);
const barista = await startBarista(config);
const batching = config.batching
  ? `batches of up to ${config.batching.maxCups} cups within ${config.batching.windowMs} ms`
  : 'one order at a time';
announce(logger, `barista polling ${config.taskQueue} on ${config.temporalAddress} (${batching})`);
stopOnSignal('barista', () => barista.stop().finally(telemetry.stop), logger);
await barista.finished;
