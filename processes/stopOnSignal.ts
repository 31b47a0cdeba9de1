/**
 * On the first SIGINT or SIGTERM: announces it, runs `stop`, then exits 0, or 1 when stopping
 * failed. Signals that arrive while it stops are ignored, so a second Ctrl-C cannot cut it short.
 */
export function stopOnSignal(announce: (signal: string) => void, stop: () => Promise<unknown>): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    announce(signal);
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
