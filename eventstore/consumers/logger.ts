/** The slice of a pino logger a consumer uses (pino's own logger fits it). */
export interface Logger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

const CONNECTION_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

/**
 * Trouble with the connection or the server (a restart, a dropped socket, a deadlock victim):
 * retried on a fresh connection. Anything else thrown while handling an event is the event's fault.
 */
export function isTransient(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code && (code.startsWith('08') || code === '40001' || code === '40P01' || CONNECTION_CODES.has(code)))
    return true;
  return /connection terminated|connection ended|not queryable|terminating connection|ECONNRESET/i.test(
    message ?? '',
  );
}

export const errorText = (error: unknown): string =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);
