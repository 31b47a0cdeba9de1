// The event store's public face: an append-only, gap-safe, idempotent log over PostgreSQL.
// It stores any stream and knows no coffee.
export { type AppendOutcome, appendToStream } from './appendToStream';
export {
  ConcurrencyError,
  EventIdConflictError,
  EventStoreError,
  EventStoreValidationError,
  type ValidationIssue,
} from './errors';
export { createEventStore, type EventStore, type EventStoreOptions } from './eventStore';
export { createLogWatcher, type LogWatcher, type LogWatcherOptions } from './logWatcher';
export { migrateEventStore } from './migrate';
export {
  checkpointAfter,
  checkpointAtOrBefore,
  checkpointOf,
  compareCheckpoints,
  hasHeldBackEvents,
  hasReached,
  MAX_READ_ALL_LIMIT,
  type ReadAllOptions,
  readAll,
} from './readAll';
export { type ReadStreamOptions, readStream } from './readStream';
export {
  type LogSource,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionEnd,
  subscribeToLog,
} from './subscribe';
export * from './types';
export { MAX_EVENTS_PER_APPEND, MAX_STREAM_ID_LENGTH } from './validateAppend';
export { DEFAULT_CHANNEL } from './wakeUpNotifier';
