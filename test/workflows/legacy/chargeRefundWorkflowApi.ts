// The workflow API as the charge/refund saga saw it: no patch is ever applied, so the saga's old
// branch runs and its history carries no marker, exactly as before authorize/capture was deployed.
export * from '@temporalio/workflow/lib/index.js';

export const patched = (_patchId: string): boolean => false;
