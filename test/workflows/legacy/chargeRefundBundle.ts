import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ORDER_WORKFLOWS_PATH } from '../../../workers/ordersWorker';

const WORKFLOW_API = fileURLToPath(new URL('./chargeRefundWorkflowApi.ts', import.meta.url));
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

/** The saga as deployed before `payments-authorize-capture`: today's code with no patch applied. */
export const chargeRefundBundle = (): Promise<{ code: string }> =>
  bundleWorkflowCode({
    workflowsPath: ORDER_WORKFLOWS_PATH,
    logger: quiet,
    webpackConfigHook: (config) => ({
      ...config,
      resolve: {
        ...config.resolve,
        alias: { ...(config.resolve?.alias as object), '@temporalio/workflow$': WORKFLOW_API },
      },
    }),
  });
