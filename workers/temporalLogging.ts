// The Temporal SDK logs through our pino logger: one line format for its messages and Core's.
import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/** The SDK's Logger interface over pino: its metadata (sdkComponent, taskQueue, workflowId…) becomes fields. */
export function sdkLogger(
  logger: Logger,
  levelOf: (level: LogLevel) => LogLevel = (level) => level,
): SdkLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) =>
    logger[PINO_LEVEL[levelOf(level)]]({ ...meta }, message);
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/**
 * Routes the SDK's Runtime logger, and Core's native logs (forwarded), through pino. Call once per
 * process, before the first NativeConnection or Worker (they create the Runtime).
 */
export function installTemporalLogging(logger: Logger): void {
  Runtime.install({
    logger: sdkLogger(logger.child({ component: 'temporal' })),
    telemetryOptions: { logging: { forward: {} } },
  });
}

/** The workflow bundler's webpack report is noise at start-up: debug level, shown with LOG_LEVEL=debug. */
export const quietBundlerLogger = (logger: Logger): SdkLogger =>
  sdkLogger(logger.child({ component: 'bundler' }), (level) => (level === 'INFO' ? 'DEBUG' : level));
