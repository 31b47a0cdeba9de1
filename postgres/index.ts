// Postgres plumbing shared by several folders: migrations, telling an outage from a bug, and the
// deterministic ids and canonical JSON that make retries idempotent. Knows no coffee.
export { canonicalJson } from './canonicalJson';
export {
  isConnectionError,
  isRetryableTransaction,
  isStatementTimeout,
  isTransientDatabaseError,
  type TransientKind,
  transientKind,
} from './connectionErrors';
export { cutConnection, type LivenessOptions, watchLiveness, withDeadline } from './liveness';
export { type AppliedMigration, type MigrationScope, runMigrations } from './migrate';
export { type NameBasedUuidOptions, nameBasedUuid } from './nameBasedUuid';
export { connectionOptions, createPool, type PoolLimits, type PoolRole } from './pool';
