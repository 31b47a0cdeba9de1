import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTracing, type Tracing } from '../../../telemetry/tracing';
import { startTestApi, type TestApi } from '../api/harness';

// OTEL_TRACES_SAMPLER is the SDK's to read: a shop that keeps no traces records no spans, and its
// log lines still carry the (unsampled) trace's ids for correlation.
const spans = new InMemorySpanExporter();
const saved = { ...process.env };
let tracing: Tracing;
let api: TestApi;

beforeAll(async () => {
  process.env.OTEL_TRACES_SAMPLER = 'always_off';
  tracing = startTracing({ serviceName: 'brew-saga-api', spanProcessors: [new SimpleSpanProcessor(spans)] });
  // A successful read logs at debug unless asked: this test reads its line.
  api = await startTestApi({ accessLogReads: true });
});

afterAll(async () => {
  process.env = saved;
  await api?.close();
  await tracing?.stop();
});

test('OTEL_TRACES_SAMPLER=always_off: requests are answered and no span is recorded', async () => {
  const menu = await fetch(`${api.url}/menu`);
  expect(menu.status).toBe(200);
  await expect.poll(() => api.logs.some((line) => line.route === '/menu')).toBe(true);
  expect(spans.getFinishedSpans()).toEqual([]);
  const line = api.logs.find((each) => each.route === '/menu');
  expect(line?.trace_id).toMatch(/^[0-9a-f]{32}$/);
});
