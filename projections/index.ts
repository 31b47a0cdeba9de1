// The projections' public face: read models and their queries, the projector runtime,
// rebuild, status and read-your-writes. Knows no HTTP; never drives the saga.
export { LOCK_SPACE, lockHolders, tryConsumerLock } from './advisoryLock';
export {
  type CheckpointRow,
  listCheckpoints,
  markFailed,
  readCheckpoint,
  resetCheckpoint,
  saveCheckpoint,
} from './checkpoints';
export { isTransient, type Logger, silentLogger } from './logger';
export { migrateProjections } from './migrate';
export { type Projector, type ProjectorOptions, startProjector } from './projector';
export { READ_MODELS } from './readModels';
export {
  BARISTA_QUEUE_TABLE,
  type BaristaQueue,
  type BaristaTicket,
  baristaQueue,
  getBaristaQueue,
} from './readModels/baristaQueue';
export { DAILY_SALES_TABLES, type DailySales, dailySales, getDailySales } from './readModels/dailySales';
export {
  ORDER_CHANGED_CHANNEL,
  ORDER_SUMMARY_TABLE,
  type OrderSummary,
  orderSummary,
  parseOrderChanged,
} from './readModels/orderSummary';
export { getOrderSummary, type ListOrdersQuery, listOrders } from './readModels/orderSummaryQueries';
export { type RebuildOptions, type RebuildResult, rebuildReadModels, SHADOW_SUFFIX } from './rebuild';
export { type ProjectionRunner, type ProjectionState, runProjection } from './runProjection';
export { getProjectionStatus, type ProjectionStatus } from './status';
export type { Projection, ProjectionOptions, ReadModel } from './types';
export { waitForPosition } from './waitForPosition';
