import type { Logger } from 'pino';
import { announce } from './log';

/**
 * On the first SIGINT or SIGTERM: says so, runs `stop`, then exits 0, or 1 when stopping failed.
 * Signals that arrive while it stops are ignored, so a second Ctrl-C cannot cut it short.
 */
export function stopOnSignal(name: string, stop: () => Promise<unknown>, logger?: Logger): void {
  const say = (message: string) => (logger ? announce(logger, message) : console.log(`[${name}] ${message}`));
  const complain = (message: string) =>
    logger ? logger.error(message) : console.error(`[${name}] ${message}`);
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping`);
    stop().then(
      () => {
        say('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        complain(`stopping failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
