/**
 * On the first SIGINT or SIGTERM: says so, runs `stop`, then exits 0, or 1 when stopping failed.
 * Signals that arrive while it stops are ignored, so a second Ctrl-C cannot cut it short.
 */
export function stopOnSignal(name: string, stop: () => Promise<unknown>): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`[${name}] ${signal}: stopping`);
    stop().then(
      () => {
        console.log(`[${name}] stopped`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`[${name}] stopping failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
