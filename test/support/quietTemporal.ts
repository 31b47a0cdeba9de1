import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger, type LogLevel, type LogMetadata, Runtime } from '@temporalio/worker';

/** Notices every test run triggers on purpose or by its setup, never a sign of a defect. */
const EXPECTED_NOTICES = [
  // The barista worker runs activities only.
  /^No workflows registered, not polling for workflow tasks/,
  // The time-skipping test server predates this capability.
  /did not advertise the activity_failure_include_heartbeat capability/,
];

/**
 * Tests keep the Temporal runtime's warnings and errors, minus the expected ones: each typed
 * activity failure (a declined card, a broken machine, a gateway outage) is logged at WARN with
 * its stack, and the tests provoke them on purpose. An untyped error (a bug) still prints.
 */
class QuietLogger extends DefaultLogger {
  override log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (message === 'Activity failed' && meta?.error instanceof ApplicationFailure) return;
    if (EXPECTED_NOTICES.some((notice) => notice.test(message))) return;
    super.log(level, message, meta);
  }
}

// A setup file: runs in each vitest worker before any test module creates a Worker.
try {
  Runtime.install({
    logger: new QuietLogger('WARN'),
    // Core's own warnings go through the same filter instead of straight to stderr.
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } },
  });
} catch (error) {
  // Installed already by an earlier file in this process, with this same logger; anything else is a bug.
  if (!String(error).includes('already been installed')) throw error;
}
