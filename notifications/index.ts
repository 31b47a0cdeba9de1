// The notifier's public face: the reactor that tells customers about their order from the log
// (the log is the outbox), its provider contract, dead letters and metrics.
// Knows no Express and never drives the saga.
export {
  type CustomerName,
  type CustomerNames,
  firstKnown,
  namesInTheLog,
  vaultNames,
} from './customerNames';
export {
  type DeadLetter,
  listDeadLetters,
  type ParkedMessage,
  pruneReplayedDeadLetters,
  type ReplayDeps,
  type ReplayResult,
  recordDeadLetter,
  replayDeadLetters,
} from './deadLetters';
export { createDelivery, type Delivery, type DeliveryOutcome, type DeliveryPolicyOptions } from './delivery';
export { createHttpProvider, type HttpProviderOptions } from './httpProvider';
export { customerNotified, messageText, type NotificationIntent, notificationFor } from './messages';
export {
  BREAKER_STATE,
  createNotificationMetrics,
  type NotificationMetrics,
  notificationMetrics,
  notificationsRegistry,
} from './metrics';
export { migrateNotifications } from './migrate';
export {
  type NotificationKind,
  type NotificationMessage,
  type NotificationProvider,
  PermanentProviderError,
  type ProviderAck,
  RECIPIENT_DOMAIN,
  recipientFor,
  slug,
  TransientProviderError,
} from './provider';
export {
  type NotificationReactor,
  type NotificationReactorOptions,
  startNotificationReactor,
} from './reactor';
