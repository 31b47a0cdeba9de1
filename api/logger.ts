import pino, { type DestinationStream, type Logger } from 'pino';
import { logDestination } from '../processes/log';
import { traceIds } from '../telemetry/hooks';
import { currentRequest } from './requestContext';

export type { Logger };

/**
 * Structured JSON logs. Every line written while serving a request carries its correlation
 * id and, once known, the orderId (from AsyncLocalStorage, so adapters need not pass them).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  // Without a destination: this process's LOG_FORMAT (pretty on a terminal, JSON through a pipe).
  return pino(
    {
      level,
      base: { service: 'api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin() {
        const context = currentRequest();
        if (!context) return traceIds() ?? {};
        const ids = context.orderId
          ? { correlationId: context.requestId, orderId: context.orderId }
          : { correlationId: context.requestId };
        const trace = traceIds();
        return trace ? { ...ids, ...trace } : ids;
      },
      // Defence in depth: the API never logs bodies, but a token must never reach a log line.
      redact: {
        paths: ['token', 'paymentToken', 'payment.token', 'body.payment.token', 'command.paymentToken'],
        censor: '[redacted]',
      },
    },
    destination ?? logDestination(),
  );
}
