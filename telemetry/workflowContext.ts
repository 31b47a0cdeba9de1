// Inside the workflow sandbox only, preloaded once per workflow thread (telemetry/workflowBundle.ts):
// the one AsyncLocalStorage that every workflow's trace context lives in. Temporal's interceptors make
// one per workflow, and each stays enabled while its workflow is cached; Node copies every enabled
// store onto every promise the thread makes: with sagas waiting for their pickup, hundreds a promise.
import type { Context } from '@opentelemetry/api';

type Storage = { run<T>(store: Context, fn: () => T): T; getStore(): Context | undefined };
// Temporal freezes a preloaded module's exports: the storage stays out of them.
const storage = new (globalThis as unknown as { AsyncLocalStorage: new () => Storage }).AsyncLocalStorage();

export const withContext = <T>(context: Context, fn: () => T): T => storage.run(context, fn);
export const activeContext = (): Context | undefined => storage.getStore();
