import {
  type NotificationMessage,
  type NotificationProvider,
  PermanentProviderError,
  type ProviderAck,
  TransientProviderError,
} from './provider';

export interface HttpProviderOptions {
  /** e.g. `http://127.0.0.1:4010` */
  baseUrl: string;
  /** A request slower than this is abandoned as a transient failure (the key makes the retry safe). */
  timeoutMs?: number;
  /** Sent as `X-Notifier-Instance`, so the provider's call log shows who called. */
  instanceId?: string;
}

/**
 * The provider over HTTP: `POST /messages` with an `Idempotency-Key` header. 2xx is an ack;
 * 408, 429, 5xx, a dropped connection and a timeout are transient; any other 4xx is permanent.
 */
export function createHttpProvider({
  baseUrl,
  timeoutMs = 2_000,
  instanceId,
}: HttpProviderOptions): NotificationProvider {
  const url = new URL('/messages', baseUrl);
  return {
    async send(message: NotificationMessage): Promise<ProviderAck> {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': message.idempotencyKey,
            ...(instanceId ? { 'x-notifier-instance': instanceId } : {}),
          },
          body: JSON.stringify({
            to: message.to,
            orderId: message.orderId,
            kind: message.kind,
            message: message.message,
          }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const reason =
          (error as Error).name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : describe(error);
        throw new TransientProviderError(`provider unreachable: ${reason}`, undefined, { cause: error });
      }
      const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      if (response.ok) {
        if (typeof body.messageId !== 'string' || typeof body.acceptedAt !== 'string')
          throw new TransientProviderError(
            `provider answered ${response.status} without an ack`,
            response.status,
          );
        return { messageId: body.messageId, acceptedAt: body.acceptedAt, duplicate: body.duplicate === true };
      }
      const detail = typeof body.error === 'string' ? body.error : response.statusText;
      if (response.status === 408 || response.status === 429 || response.status >= 500)
        throw new TransientProviderError(`provider answered ${response.status}: ${detail}`, response.status);
      const code = typeof body.code === 'string' ? body.code : `http_${response.status}`;
      throw new PermanentProviderError(
        `provider refused the message (${response.status}): ${detail}`,
        code,
        response.status,
      );
    },
  };
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
