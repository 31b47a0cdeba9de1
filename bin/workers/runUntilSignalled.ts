import type { Worker } from '@temporalio/worker';

/** Runs the worker until SIGINT/SIGTERM, letting in-flight tasks finish (worker.shutdown()). */
export async function runUntilSignalled(worker: Worker, name: string): Promise<void> {
  const stop = (signal: string) => {
    if (worker.getState() !== 'RUNNING') return;
    console.log(`${name}: ${signal}, finishing in-flight tasks`);
    worker.shutdown();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  await worker.run();
  console.log(`${name}: stopped`);
}
