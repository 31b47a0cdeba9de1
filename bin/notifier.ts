// The notifier: tells customers from the log (configuration: config/notifier.ts). One active, standbys wait.
import { loadNotifierConfig } from '../config/notifier';
import { configOrExit } from '../config/read';
import { loadTelemetryConfig } from '../config/telemetry';
import { startNotifier } from '../notifications/notifier';
import { shopProcess } from '../processes/list';
import { processLogger } from '../processes/log';
import { stopOnSignal } from '../processes/stopOnSignal';
import { startTelemetry } from '../telemetry/start';

const config = configOrExit('notifier', loadNotifierConfig);
const telemetry = await startTelemetry(
  shopProcess('notifier').serviceName,
  configOrExit('notifier', loadTelemetryConfig),
);
const log = processLogger('notifier', { instance: config.instanceId });
const notifier = await startNotifier(config, { log });
stopOnSignal('notifier', () => notifier.stop().finally(telemetry.stop), log);
