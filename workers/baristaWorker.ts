import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { type BatchingCoffeeMachine, type CoffeeMachine, createBaristaActivities } from '../activities';
import { createBrewBatches } from '../activities/brewBatches';
import { encryptedDataConverter } from '../codec';
import { required } from '../config/keys';
import type { BaristaConfig } from '../config/worker';
import { createCoffeeMachineSimulator } from '../simulators';
import { workerTracing } from '../telemetry/hooks';
import { observeBatchSize } from '../telemetry/shopMetrics';
import { BARISTA_TASK_QUEUE } from '../workflows/definitions';
import { type RunningWorker, runWorker } from './runWorker';

export interface BaristaWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  coffeeMachine: CoffeeMachine;
  /** Drinks this barista makes at once (default 4); with batching, machine runs at once. */
  maxConcurrentBrews?: number;
  /** Make same drink+size requests that arrive within `windowMs` in one machine run (up to `maxCups`). */
  batching?: { windowMs: number; maxCups: number } | undefined;
  identity?: string;
  /** The payload codec (codec/): brew and discard inputs and results are sealed. */
  dataConverter?: DataConverter;
  /** Its name in traces, when several workers share a process (tests); default: the process's. */
  serviceName?: string;
}

/**
 * A barista: polls `barista`, brews and writes off. Start several and they compete for orders; each
 * batches only what it took. A batching barista takes enough orders at once to fill its machine runs.
 */
export function createBaristaWorker(options: BaristaWorkerOptions): Promise<Worker> {
  const machineRuns = options.maxConcurrentBrews ?? 4;
  const { batching } = options;
  const batches =
    batching && 'brewBatch' in options.coffeeMachine
      ? createBrewBatches(options.coffeeMachine as BatchingCoffeeMachine, {
          ...batching,
          machineSlots: machineRuns,
          onRun: (run) => observeBatchSize(run.cups),
        })
      : undefined;
  const tracing = workerTracing(options.serviceName);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? BARISTA_TASK_QUEUE,
    activities: createBaristaActivities(options.coffeeMachine, batches),
    maxConcurrentActivityTaskExecutions: batches ? machineRuns * batching!.maxCups : machineRuns,
    // Heartbeats reach the server at least every second, so a cancel stops the machine quickly.
    maxHeartbeatThrottleInterval: '1s',
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(tracing ? { interceptors: { activity: tracing.activityInterceptors } } : {}),
  });
}

/** A barista process's composition: the coffee machine simulator and Temporal. */
export async function startBarista(config: BaristaConfig): Promise<RunningWorker> {
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  try {
    const worker = await createBaristaWorker({
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      coffeeMachine: createCoffeeMachineSimulator(config.coffeeMachine),
      maxConcurrentBrews: config.maxConcurrentBrews,
      batching: config.batching,
      dataConverter: encryptedDataConverter(required(config.codecKeys, 'TEMPORAL_CODEC_KEYS')),
    });
    return runWorker(worker, () => connection.close());
  } catch (error) {
    await connection.close();
    throw error;
  }
}
