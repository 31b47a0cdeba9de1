import { createHash } from 'node:crypto';

// A fixed namespace, so ids are UUID v5 of `${workflowId}/${step}` and stable across processes.
const NAMESPACE = Buffer.from('6b1f3c2e9a4d4f0b8e7c5a1d2f3e4b5c', 'hex');

/** Deterministic per (workflow, step): a retried append carries the same ids and appends nothing twice. */
export function eventIdFor(workflowId: string, step: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`${workflowId}/${step}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A short, stable reference derived from an idempotency key (gateway and machine receipts). */
export const referenceFor = (prefix: string, key: string): string =>
  `${prefix}_${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
