// A barista: brews and writes off drinks from the `barista` queue. Run several; they compete.
import { configOrExit } from '../config/read';
import { loadBaristaConfig } from '../config/worker';
import { stopOnSignal } from '../processes/stopOnSignal';
import { startBarista } from '../workers/baristaWorker';

const config = configOrExit('barista', loadBaristaConfig);
const barista = await startBarista(config);
console.log(`barista polling ${config.taskQueue} on ${config.temporalAddress}`);
stopOnSignal('barista', barista.stop);
await barista.finished;
