// The workflow API as the charge/refund saga saw it: the authorize/capture patch is never applied, so
// the saga's old branch runs and its history carries no marker, exactly as before it was deployed.
// Earlier patches (remake) were deployed by then and answer as usual.
import { patched as patchedToday } from '@temporalio/workflow/lib/index.js';
import { AUTHORIZE_CAPTURE_PATCH } from '../../../workflows/contract';

export * from '@temporalio/workflow/lib/index.js';

export const patched = (patchId: string): boolean =>
  patchId !== AUTHORIZE_CAPTURE_PATCH && patchedToday(patchId);
