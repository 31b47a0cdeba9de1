/**
 * The notification provider's contract: one message to one customer, at most once per
 * idempotency key. The provider is flaky by nature, so its failures carry their meaning:
 * a transient one is worth retrying, a permanent one never is (it goes to dead letters).
 */
export type NotificationKind = 'ready' | 'abandoned' | 'refunded';

export interface NotificationMessage {
  /** The log event's id that caused the message: a retry or a replay reuses it, so nothing is delivered twice. */
  idempotencyKey: string;
  /** The recipient's address, see `recipientFor`. */
  to: string;
  orderId: string;
  kind: NotificationKind;
  /** The text the customer reads. */
  message: string;
}

export interface ProviderAck {
  /** The provider's id for the delivered message (the original one when the send was a repeat). */
  messageId: string;
  /** When the provider first accepted this idempotency key (stable across repeats). */
  acceptedAt: string;
  /** true when the provider had already accepted this idempotency key and delivered nothing new. */
  duplicate: boolean;
}

export interface NotificationProvider {
  /** Resolves with the provider's ack; rejects with a `TransientProviderError` or a `PermanentProviderError`. */
  send(message: NotificationMessage): Promise<ProviderAck>;
}

/** Down, slow, overloaded, 5xx, 429, a dropped connection or a timeout: try again later. */
export class TransientProviderError extends Error {
  override readonly name = 'TransientProviderError';
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The provider refused this message for good (e.g. an invalid recipient): retrying cannot help. */
export class PermanentProviderError extends Error {
  override readonly name = 'PermanentProviderError';
  constructor(
    message: string,
    /** A short machine-readable reason, e.g. `invalid_recipient`. */
    readonly code: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export const RECIPIENT_DOMAIN = 'customers.brew-saga.test';

/** `Ana María` → `ana-maria`: a customer's name as the local part of an address. */
export function slug(name: string): string {
  const plain = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return plain || 'customer';
}

/**
 * Customers have names, not addresses, so the address is derived from the name:
 * `Ana` → `ana@customers.brew-saga.test`. A name containing "invalid" (e.g. "Invalid Ian")
 * derives an address containing it (`invalid-ian@…`), which the provider simulator refuses as
 * a permanent failure: that is how the dead-letter path is reached from the REST API.
 */
export function recipientFor(customer: string): string {
  return `${slug(customer)}@${RECIPIENT_DOMAIN}`;
}
