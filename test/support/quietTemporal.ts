import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger, type LogEntry, type LogLevel, type LogMetadata, Runtime } from '@temporalio/worker';

/** Notices every test run triggers on purpose or by its setup, never a sign of a defect. */
const EXPECTED_NOTICES = [
  // The barista worker runs activities only.
  /^No workflows registered, not polling for workflow tasks/,
  // The time-skipping test server predates this capability.
  /did not advertise the activity_failure_include_heartbeat capability/,
];

const captured: string[] = [];

/** Everything this process's Temporal workers logged (INFO and up), for scans of what leaks into logs. */
export const workerLogs = (): string => captured.join('\n');

const print = new DefaultLogger('WARN');

/**
 * Workers log every state change at INFO: kept in memory for the privacy scan. Only warnings and
 * errors reach the console, minus the expected ones: each typed activity failure (a declined card, a
 * broken machine, a gateway outage) is logged at WARN with its stack, and the tests provoke them on
 * purpose. An untyped error (a bug) still prints.
 */
class QuietLogger extends DefaultLogger {
  constructor() {
    super('INFO', (entry: LogEntry) => {
      if (captured.length < 50_000)
        captured.push(`${entry.level} ${entry.message} ${JSON.stringify(entry.meta ?? {})}`);
    });
  }

  override log(level: LogLevel, message: string, meta?: LogMetadata): void {
    super.log(level, message, meta);
    if (message === 'Activity failed' && meta?.error instanceof ApplicationFailure) return;
    if (EXPECTED_NOTICES.some((notice) => notice.test(message))) return;
    print.log(level, message, meta);
  }
}

// A setup file: runs in each vitest worker before any test module creates a Worker.
try {
  Runtime.install({
    logger: new QuietLogger(),
    // Core's own warnings go through the same filter instead of straight to stderr.
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } },
  });
} catch (error) {
  // Installed already by an earlier file in this process, with this same logger; anything else is a bug.
  if (!String(error).includes('already been installed')) throw error;
}
