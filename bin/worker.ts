// The `orders` worker: order sagas, event appends and payments (configuration: config/worker.ts).
import { configOrExit } from '../config/read';
import { loadOrdersWorkerConfig } from '../config/worker';
import { stopOnSignal } from '../processes/stopOnSignal';
import { startOrdersWorker } from '../workers/ordersWorker';

const config = configOrExit('orders worker', loadOrdersWorkerConfig);
const worker = await startOrdersWorker(config);
console.log(`orders worker polling ${config.taskQueue} on ${config.temporalAddress}`);
stopOnSignal('orders worker', worker.stop);
await worker.finished;
