// A barista: brews and writes off drinks from the `barista` queue. Run several; they compete.
import { configOrExit } from '../config/read';
import { loadBaristaConfig } from '../config/worker';
import { announce, processLogger } from '../processes/log';
import { stopOnSignal } from '../processes/stopOnSignal';
import { startBarista } from '../workers/baristaWorker';
import { installTemporalLogging } from '../workers/temporalLogging';

const config = configOrExit('barista', loadBaristaConfig);
const logger = processLogger('barista');
installTemporalLogging(logger);
const barista = await startBarista(config);
const batching = config.batching
  ? `batches of up to ${config.batching.maxCups} cups within ${config.batching.windowMs} ms`
  : 'one order at a time';
announce(logger, `barista polling ${config.taskQueue} on ${config.temporalAddress} (${batching})`);
stopOnSignal('barista', barista.stop, logger);
await barista.finished;
