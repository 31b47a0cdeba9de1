import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { inject } from 'vitest';
import { temporalBinary } from '../../embedded/temporal';
import { testDataConverter } from './secrets';

/** Temporal's native time-skipping test server, from the binary setup resolved. */
export function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalBinary('testServer') } },
    client: { dataConverter: testDataConverter },
  });
}

/** A client connection to this run's Temporal dev server. */
export function connectToDevServer(): Promise<Connection> {
  return Connection.connect({ address: inject('temporalAddress') });
}

let queueCounter = 0;
/** A task queue name no other test file uses, so workers of different files never steal each other's tasks. */
export function uniqueTaskQueue(prefix: string): string {
  queueCounter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${queueCounter}`;
}
