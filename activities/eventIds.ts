import { nameBasedUuid } from '../postgres';

// A fixed namespace, so ids are UUID v5 of `${workflowId}/${step}` and stable across processes.
const NAMESPACE = Buffer.from('6b1f3c2e9a4d4f0b8e7c5a1d2f3e4b5c', 'hex');

/** Deterministic per (workflow, step): a retried append carries the same ids and appends nothing twice. */
export const eventIdFor = (workflowId: string, step: string): string =>
  nameBasedUuid(`${workflowId}/${step}`, { namespace: NAMESPACE });
