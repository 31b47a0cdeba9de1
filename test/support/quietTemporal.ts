import { DefaultLogger, type LogEntry, Runtime } from '@temporalio/worker';

const captured: string[] = [];

/** Everything this process's Temporal workers logged (INFO and up), for scans of what leaks into logs. */
export const workerLogs = (): string => captured.join('\n');

// Workers log every state change at INFO: kept in memory for the privacy scan; only warnings and
// errors reach the console.
const print = new DefaultLogger('WARN');
try {
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry: LogEntry) => {
      if (captured.length < 50_000)
        captured.push(`${entry.level} ${entry.message} ${JSON.stringify(entry.meta ?? {})}`);
      if (entry.level === 'WARN' || entry.level === 'ERROR')
        print.log(entry.level, entry.message, entry.meta);
    }),
  });
} catch {
  // already installed in this process
}
