import { NativeConnection } from '@temporalio/worker';
import { createCoffeeMachineSimulator } from '../activities';
import { createBaristaWorker } from './workers/baristaWorker';
import { baristaWorkerConfig, configOrExit } from './workers/config';
import { runUntilSignalled } from './workers/runUntilSignalled';

// A barista: brews and writes off drinks from the `barista` queue. Run several; they compete.
const config = configOrExit(baristaWorkerConfig, 'barista');
const coffeeMachine = createCoffeeMachineSimulator({
  brewScale: config.COFFEE_BREW_SCALE,
  jamFailures: config.COFFEE_JAM_FAILURES,
  slowFactor: config.COFFEE_SLOW_FACTOR,
  tickMs: config.COFFEE_TICK_MS,
});
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
try {
  const worker = await createBaristaWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.BARISTA_TASK_QUEUE,
    coffeeMachine,
    maxConcurrentBrews: config.BARISTA_CONCURRENCY,
  });
  console.log(`barista polling ${config.BARISTA_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS}`);
  await runUntilSignalled(worker, 'barista');
} finally {
  await connection.close();
}
