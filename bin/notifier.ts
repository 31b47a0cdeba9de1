// The notifier: tells customers from the log (configuration: config/notifier.ts). One active, standbys wait.
import { loadNotifierConfig } from '../config/notifier';
import { configOrExit } from '../config/read';
import { startNotifier } from '../notifications/notifier';
import { stopOnSignal } from '../processes/stopOnSignal';

const config = configOrExit('notifier', loadNotifierConfig);
const notifier = await startNotifier(config);
stopOnSignal('notifier', notifier.stop);
