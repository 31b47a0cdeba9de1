// The notifier: tells customers from the log (configuration: config/notifier.ts). One active, standbys wait.
import { loadNotifierConfig } from '../config/notifier';
import { configOrExit } from '../config/read';
import { loadTelemetryConfig } from '../config/telemetry';
import { startNotifier } from '../notifications/notifier';
import { shopProcess } from '../processes/list';
import { stopOnSignal } from '../processes/stopOnSignal';
import { startTelemetry } from '../telemetry/start';

const config = configOrExit('notifier', loadNotifierConfig);
const telemetry = await startTelemetry(
  shopProcess('notifier').serviceName,
  configOrExit('notifier', loadTelemetryConfig),
);
const notifier = await startNotifier(config);
stopOnSignal('notifier', () => notifier.stop().finally(telemetry.stop));
