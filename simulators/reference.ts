import { createHash } from 'node:crypto';

/** A short, stable reference derived from an idempotency key (gateway and machine receipts). */
export const referenceFor = (prefix: string, key: string): string =>
  `${prefix}_${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
