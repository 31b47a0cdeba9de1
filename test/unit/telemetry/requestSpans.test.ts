import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTracing, type Tracing } from '../../../telemetry/tracing';
import { json, placeOrder, startTestApi, type TestApi } from '../api/harness';

// The API over fakes, traced into memory: what one request leaves behind.
const spans = new InMemorySpanExporter();
let tracing: Tracing;
let api: TestApi;

beforeAll(async () => {
  tracing = startTracing({ serviceName: 'brew-saga-api', spanProcessors: [new SimpleSpanProcessor(spans)] });
  api = await startTestApi({ accessLogReads: true });
});

afterAll(async () => {
  await api?.close();
  await tracing?.stop();
});

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

test('a request is one server span named by its route, in the trace its caller sent, with no query string', async () => {
  spans.reset();
  const { orderId, orderToken } = await json(await placeOrder(api));
  const read = await fetch(`${api.url}/orders/${orderId}?minPosition=0`, {
    headers: { authorization: `Bearer ${orderToken}`, traceparent: `00-${CALLER_TRACE}-00f067aa0ba902b7-01` },
  });
  expect(read.status).toBe(200);

  await expect.poll(() => spans.getFinishedSpans().map((span) => span.name)).toContain('GET /orders/:id');
  const names = spans.getFinishedSpans().map((span) => span.name);
  expect(names.filter((name) => name === 'GET /orders/:id')).toHaveLength(1);
  expect(names).toContain('POST /orders');
  const get = spans.getFinishedSpans().find((span) => span.name === 'GET /orders/:id')!;
  expect(get.spanContext().traceId).toBe(CALLER_TRACE);
  expect(get.parentSpanId).toBe('00f067aa0ba902b7');
  expect(get.attributes).toEqual({
    'http.request.method': 'GET',
    'url.path': `/orders/${orderId}`,
    'http.route': '/orders/:id',
    'http.response.status_code': 200,
  });
  // Order tokens may ride in the query string (event streams): a span never records it, nor headers.
  expect(JSON.stringify(get.attributes)).not.toMatch(/minPosition|Bearer/);

  // The request's log line carries the span's ids.
  const line = api.logs.find((each) => each.msg === 'request completed' && each.route === '/orders/:id');
  expect(line).toMatchObject({ trace_id: CALLER_TRACE, span_id: get.spanContext().spanId });
});

test('probes and scrapes make no spans', async () => {
  spans.reset();
  for (const path of ['/healthz', '/readyz', '/metrics'])
    await (await fetch(`${api.url}${path}`)).arrayBuffer();
  const menu = await fetch(`${api.url}/menu`);
  expect(menu.status).toBe(200);
  await expect.poll(() => spans.getFinishedSpans().map((span) => span.name)).toContain('GET /menu');
  expect(spans.getFinishedSpans().map((span) => span.name)).toEqual(['GET /menu']);
});
