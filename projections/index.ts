// The projections' public face: read models and their queries, the projector runtime,
// rebuild, status and read-your-writes. Knows no HTTP; never drives the saga.
export {
  isTransient,
  LOCK_SPACE,
  type Logger,
  lockHolders,
  silentLogger,
  tryConsumerLock,
} from '../eventstore/consumers';
export {
  type CheckpointRow,
  listCheckpoints,
  markFailed,
  projectionCheckpoints,
  readCheckpoint,
  resetCheckpoint,
  saveCheckpoint,
} from './checkpoints';
export { migrateProjections } from './migrate';
export {
  type ProjectionRunner,
  type ProjectionState,
  type Projector,
  type ProjectorOptions,
  startProjector,
} from './projector';
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
export {
  boardOrders,
  getOrderSummary,
  type ListOrdersQuery,
  listOrders,
} from './readModels/orderSummaryQueries';
export { type RebuildOptions, type RebuildResult, rebuildReadModels, SHADOW_SUFFIX } from './rebuild';
export { getProjectionStatus, type ProjectionStatus } from './status';
export type { Projection, ProjectionOptions, ReadModel } from './types';
export { waitForPosition } from './waitForPosition';
