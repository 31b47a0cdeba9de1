import { isTransientDatabaseError } from '../../postgres';

/** The slice of a pino logger a consumer uses (pino's own logger fits it). */
export interface Logger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/**
 * Trouble with the connection or the server (a restart, a dropped socket, a full disk, a cancelled
 * statement, a deadlock victim): retried on a fresh connection with backoff, never a poison event.
 * Anything else thrown while handling an event is the event's fault.
 */
export const isTransient = isTransientDatabaseError;

export const errorText = (error: unknown): string =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);
