import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { SerializableSpan } from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions.js';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { expect, test } from 'vitest';
import { slimWorkflowTracing } from '../../telemetry/workflowBundle';
import { ORDER_WORKFLOWS_PATH } from '../../workers/ordersWorker';
import { ORDER_SAGA_WORKFLOW } from '../../workflows/contract';
import { testDataConverter } from '../support/secrets';
import { HISTORY_VERSION } from './sagaHarness';

// The traced workflow bundle swaps the OpenTelemetry SDK for telemetry/workflowTracer.ts: replaying one
// saga through each, the workflow's spans must come out the same (names, kinds, parents, times, attributes).
const require = createRequire(import.meta.url);
const interceptors = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
// A happy saga and a declined one (its failed activity's span records the exception).
const histories = ['happyPath', 'declined'].map((name) => ({
  workflowId: name,
  history: temporal.api.history.v1.History.fromObject(
    JSON.parse(
      readFileSync(new URL(`../histories/${HISTORY_VERSION}/${name}.json`, import.meta.url), 'utf8'),
    ),
  ),
}));

async function workflowSpans(slim?: typeof slimWorkflowTracing) {
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: ORDER_WORKFLOWS_PATH,
    workflowInterceptorModules: [interceptors],
    ...slim,
    logger: quiet,
  });
  const spans: SerializableSpan[] = [];
  // The spans as they leave the sandbox (the worker's side adds the workflow's info); on replay too, here.
  const sinks = {
    exporter: {
      export: {
        fn: (_info: unknown, batch: SerializableSpan[]) => {
          spans.push(...batch);
        },
        callDuringReplay: true,
      },
    },
  };
  const replays = Worker.runReplayHistories(
    { workflowBundle, dataConverter: testDataConverter, sinks },
    histories,
  );
  for await (const replay of replays) expect(replay.error).toBeUndefined();
  const names = new Map(spans.map((span) => [span.spanContext.spanId, span.name]));
  return spans.map((span) => ({
    name: span.name,
    kind: span.kind,
    parent: span.parentSpanId ? names.get(span.parentSpanId) : undefined,
    status: span.status,
    attributes: span.attributes,
    // A stack trace names lines of its own bundle: the event's message and fields are compared.
    events: span.events.map((event) => ({
      name: event.name,
      fields: Object.keys(event.attributes ?? {}),
      message: event.attributes?.['exception.message'],
    })),
    links: span.links.length,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    library: span.instrumentationLibrary,
    sampled: span.spanContext.traceFlags,
  }));
}

test('the slim workflow tracer makes the very spans the OpenTelemetry SDK made', async () => {
  const [sdk, slim] = [await workflowSpans(), await workflowSpans(slimWorkflowTracing)];
  expect(sdk.map((span) => `${span.name} <- ${span.parent}`)).toContain(
    `StartActivity:authorizePayment <- RunWorkflow:${ORDER_SAGA_WORKFLOW}`,
  );
  expect(sdk.flatMap((span) => span.events.map((event) => event.name))).toContain('exception');
  expect(slim).toEqual(sdk);
});
