import { patched, workflowInfo } from '@temporalio/workflow';
import { AUTHORIZE_CAPTURE_PATCH, LEGACY_ORDER_SAGA_WORKFLOW, READY_IN_ONE_APPEND_PATCH } from './contract';

/** The changes made to the saga's commands after `orderSaga` first ran, each once behind `patched()`. */
const PATCHED = [
  'search-attributes-without-names',
  AUTHORIZE_CAPTURE_PATCH,
  READY_IN_ONE_APPEND_PATCH,
  'remake',
] as const;

/** Made with the new workflow type: sagas of the old type never had it. */
const NEW_TYPE_ONLY = [
  /** The Web UI's `OrderStatus` is upserted when an append changes it, not after every append. */
  'status-upserted-when-changed',
] as const;

export type SagaChange = (typeof PATCHED)[number] | (typeof NEW_TYPE_ONLY)[number];

/**
 * Whether this saga runs with a change. An `orderSagaV2` has them all, recorded nowhere (its type says
 * so); an `orderSaga` (started before) asks `patched()` for each, as its history was written that way.
 */
export function sagaChanges(): (change: SagaChange) => boolean {
  if (workflowInfo().workflowType !== LEGACY_ORDER_SAGA_WORKFLOW) return () => true;
  return (change) => (PATCHED as readonly string[]).includes(change) && patched(change);
}
