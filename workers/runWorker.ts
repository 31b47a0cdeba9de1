import type { Worker } from '@temporalio/worker';

export interface RunningWorker {
  /** Settles when the worker stops: after `stop`, or on a fatal error. */
  finished: Promise<void>;
  /** Lets in-flight tasks finish (worker.shutdown()), then closes what it opened. */
  stop(): Promise<void>;
}

/** Runs a Temporal worker until stopped, then closes its resources in order. */
export function runWorker(worker: Worker, close: () => Promise<void>): RunningWorker {
  const finished = worker.run().finally(close);
  return {
    finished,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await finished;
    },
  };
}
