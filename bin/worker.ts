// The `orders` worker: order sagas, event appends and payments (configuration: config/worker.ts).
import { configOrExit } from '../config/read';
import { loadTelemetryConfig } from '../config/telemetry';
import { loadOrdersWorkerConfig } from '../config/worker';
import { shopProcess } from '../processes/list';
import { announce, processLogger } from '../processes/log';
import { stopOnSignal } from '../processes/stopOnSignal';
import { startTelemetry } from '../telemetry/start';
import { startOrdersWorker } from '../workers/ordersWorker';
import { installTemporalLogging } from '../workers/temporalLogging';

const config = configOrExit('orders worker', loadOrdersWorkerConfig);
const telemetry = await startTelemetry(
  shopProcess('worker').serviceName,
  configOrExit('orders worker', loadTelemetryConfig),
);
const logger = processLogger('worker');
installTemporalLogging(logger);
const worker = await startOrdersWorker(config, logger);
announce(logger, `orders worker polling ${config.taskQueue} on ${config.temporalAddress}`);
stopOnSignal('orders worker', () => worker.stop().finally(telemetry.stop), logger);
await worker.finished;
