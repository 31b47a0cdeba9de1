// One line format for every process: pino records, pretty on a terminal, JSON through a pipe.
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty, { type PrettyOptions, prettyFactory } from 'pino-pretty';
import { loadLoggingConfig } from '../config/logging';
import { configOrExit } from '../config/read';
import { traceLogMixin } from '../telemetry/hooks';

export type { Logger };
export type LogFormat = 'json' | 'pretty';

/** How a pretty line looks, written once: whether a process prints it itself or `npm start` relays it. */
const PRETTY: PrettyOptions = {
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: 'pid,hostname,process,service',
  messageFormat: '{if process}{process}{end}{if service}{service}{end} │ {msg}',
  singleLine: true,
};

/** LOG_FORMAT when set, else pretty on a terminal and JSON when stdout is a pipe or a file. */
export function logFormat(format: LogFormat | undefined = readLogging().format): LogFormat {
  return format ?? (process.stdout.isTTY ? 'pretty' : 'json');
}

const readLogging = () => configOrExit('logging', () => loadLoggingConfig());

/** Where this process's records go: a pino-pretty stream or plain JSON on stdout. */
export function logDestination(format: LogFormat = logFormat()): DestinationStream {
  return format === 'pretty' ? pretty({ ...PRETTY, sync: true, destination: 1 }) : pino.destination(1);
}

/** Turns JSON records (as a child writes them) into pretty lines; colours only on a terminal. */
export const prettyLines = (): ((record: object) => string) =>
  prettyFactory({ ...PRETTY, colorize: Boolean(process.stdout.isTTY) });

/** A process's logger at LOG_LEVEL in LOG_FORMAT; `process` names it on every line. */
export function processLogger(name: string, extra: Record<string, unknown> = {}): Logger {
  const { level, format } = readLogging();
  return pino(
    {
      level,
      base: { process: name, pid: process.pid, ...extra },
      timestamp: pino.stdTimeFunctions.isoTime,
      // A record written inside a traced operation names its trace.
      mixin: traceLogMixin,
    },
    logDestination(logFormat(format)),
  );
}

/** Start and stop lines that people and harnesses wait for: written at info even when LOG_LEVEL is higher. */
export function announce(logger: Logger, message: string): void {
  const level = logger.level === 'silent' ? 'silent' : 'info';
  logger.child({}, { level }).info(message);
}
