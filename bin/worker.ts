// The `orders` worker: order sagas, event appends and payments (configuration: config/worker.ts).
import { configOrExit } from '../config/read';
import { loadOrdersWorkerConfig } from '../config/worker';
import { announce, processLogger } from '../processes/log';
import { stopOnSignal } from '../processes/stopOnSignal';
import { startOrdersWorker } from '../workers/ordersWorker';
import { installTemporalLogging } from '../workers/temporalLogging';

const config = configOrExit('orders worker', loadOrdersWorkerConfig);
const logger = processLogger('worker');
installTemporalLogging(logger);
const worker = await startOrdersWorker(config, logger);
announce(logger, `orders worker polling ${config.taskQueue} on ${config.temporalAddress}`);
stopOnSignal('orders worker', worker.stop, logger);
await worker.finished;
