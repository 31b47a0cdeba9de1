import { fileURLToPath } from 'node:url';
import type { BundleOptions } from '@temporalio/worker';

const SANDBOX_TRACER = fileURLToPath(new URL('./workflowTracer.ts', import.meta.url));
const SANDBOX_CONTEXT = fileURLToPath(new URL('./workflowContext.ts', import.meta.url));

type WebpackConfigHook = NonNullable<BundleOptions['webpackConfigHook']>;

/**
 * The traced workflow bundle: Temporal's workflow interceptors over telemetry/workflowTracer.ts in
 * place of the whole OpenTelemetry SDK, which every saga evaluated again in its first workflow task,
 * and one context storage for the thread's workflows (telemetry/workflowContext.ts, loaded once).
 */
export const slimWorkflowTracing = {
  webpackConfigHook: ((config) => ({
    ...config,
    resolve: {
      ...config.resolve,
      alias: {
        ...(config.resolve?.alias as Record<string, string | false> | undefined),
        '@opentelemetry/sdk-trace-base$': SANDBOX_TRACER,
        '@opentelemetry/core$': SANDBOX_TRACER,
      },
    },
  })) satisfies WebpackConfigHook,
  preloadModules: [SANDBOX_CONTEXT],
};
