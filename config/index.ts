// Every process's configuration: one zod schema each, read from the environment once at start-up,
// with its defaults written beside each knob. A bad value stops the process listing every problem.
export { type ApiConfig, apiConfig, apiConfigSchema, loadApiConfig } from './api';
export { loadCliConfig } from './cli';
export { type DevConfig, devConfigSchema, loadDevConfig } from './dev';
export { loadNotifierConfig, type NotifierConfig, notifierConfig, notifierConfigSchema } from './notifier';
export { loadProjectorConfig, type ProjectorConfig, projectorConfigSchema } from './projector';
export { configLoader, configOrExit, type Env, InvalidConfig, readConfig } from './read';
export { loadTelemetryConfig, type TelemetryConfig, telemetryConfigSchema } from './telemetry';
export {
  type BaristaConfig,
  baristaConfigSchema,
  loadBaristaConfig,
  loadOrdersWorkerConfig,
  type OrdersWorkerConfig,
  ordersWorkerConfigSchema,
} from './worker';
