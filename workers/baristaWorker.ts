import { NativeConnection, Worker } from '@temporalio/worker';
import { type CoffeeMachine, createBaristaActivities } from '../activities';
import type { BaristaConfig } from '../config/worker';
import { createCoffeeMachineSimulator } from '../simulators';
import { workerTracing } from '../telemetry/hooks';
import { BARISTA_TASK_QUEUE } from '../workflows/definitions';
import { type RunningWorker, runWorker } from './runWorker';

export interface BaristaWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  coffeeMachine: CoffeeMachine;
  /** Drinks this barista makes at once (default 4). */
  maxConcurrentBrews?: number;
  identity?: string;
  /** Its name in traces, when several workers share a process (tests); default: the process's. */
  serviceName?: string;
}

/** A barista: polls `barista`, brews and writes off. Start several and they compete for orders. */
export function createBaristaWorker(options: BaristaWorkerOptions): Promise<Worker> {
  const tracing = workerTracing(options.serviceName);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? BARISTA_TASK_QUEUE,
    activities: createBaristaActivities(options.coffeeMachine),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentBrews ?? 4,
    // Heartbeats reach the server at least every second, so a cancel stops the machine quickly.
    maxHeartbeatThrottleInterval: '1s',
    ...(options.identity ? { identity: options.identity } : {}),
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
    });
    return runWorker(worker, () => connection.close());
  } catch (error) {
    await connection.close();
    throw error;
  }
}
