// The notifier: tells customers from the log (configuration: config/notifier.ts). One active, standbys wait.
import { loadNotifierConfig } from '../config/notifier';
import { configOrExit } from '../config/read';
import { startNotifier } from '../notifications/notifier';
import { processLogger } from '../processes/log';
import { stopOnSignal } from '../processes/stopOnSignal';

const config = configOrExit('notifier', loadNotifierConfig);
const log = processLogger('notifier', { instance: config.instanceId });
const notifier = await startNotifier(config, { log });
stopOnSignal('notifier', notifier.stop, log);
