// One runtime follows the log for every checkpointed consumer (lock, checkpoint, batches,
// catch-up then live, reconnect), with two faces: the projector and the reactor. Knows no coffee.
export { evictStaleHolder, LOCK_SPACE, lockHolders, tryConsumerLock } from './advisoryLock';
export {
  DEFAULT_LEASE_TIMING,
  dedicatedConnection,
  type Lease,
  type LeaseTiming,
  takeLease,
} from './lease';
export { errorText, isTransient, type Logger, silentLogger } from './logger';
export { type ProjectorModeOptions, projectorMode } from './projectorMode';
export { type ReactorModeOptions, reactorMode } from './reactorMode';
export { type ConsumerOptions, type ConsumerRunner, type ConsumerState, runConsumer } from './runConsumer';
export {
  type Batch,
  type CheckpointStore,
  type ConsumerMode,
  type ConsumerPosition,
  ResumeFromCheckpoint,
} from './types';
