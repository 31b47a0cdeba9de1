import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningSystem, startSystem } from '../../chaos/system';
import { bearer, call, order, placeOrder, waitForStatus } from './http';

interface ReceivedSpan {
  service: string;
  traceId: string;
  name: string;
}

/** A small OTLP/HTTP receiver speaking JSON: what a collector would get from each process. */
function otlpReceiver(): { server: Server; spans: ReceivedSpan[]; posts: string[] } {
  const spans: ReceivedSpan[] = [];
  const posts: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      posts.push(`${request.url} ${request.headers['content-type']}`);
      if (request.url === '/v1/traces') {
        const message = JSON.parse(body) as {
          resourceSpans: {
            resource: { attributes: { key: string; value: { stringValue?: string } }[] };
            scopeSpans: { spans: { traceId: string; name: string }[] }[];
          }[];
        };
        for (const { resource, scopeSpans } of message.resourceSpans) {
          const service = resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
          for (const scope of scopeSpans)
            for (const span of scope.spans) spans.push({ service, traceId: span.traceId, name: span.name });
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return { server, spans, posts };
}

const receiver = otlpReceiver();
const logDir = join('test-output', 'e2e-tracing', String(process.pid));
const saved = { ...process.env };
let system: RunningSystem;

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.server.address() as AddressInfo;
  // Every process of the shop inherits these, as it would from its deployment.
  Object.assign(process.env, {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '200',
  });
  try {
    system = await startSystem({
      pickupWindowSeconds: 60,
      paymentGiveUpSeconds: 60,
      brewScale: 0.01,
      logDir,
      log: () => {},
    });
  } finally {
    process.env = saved;
  }
}, 150_000);

// The chaos system runs two APIs; one order needs only the first.
const apiUrl = () => system.apiUrls[0]!;

afterAll(async () => {
  await system?.stop();
  await new Promise((resolve) => receiver.server.close(resolve));
});

// (The API runs at LOG_LEVEL=warn here; test/integration/telemetry checks its lines carry the trace id.)
test('with OTEL_EXPORTER_OTLP_ENDPOINT set, one order is one trace across at least three services', {
  timeout: 120_000,
}, async () => {
  const placed = await placeOrder(apiUrl(), order());
  expect(placed.status).toBe(202);
  const { orderId, orderToken } = placed.body;
  const customer = bearer(orderToken);
  await waitForStatus(apiUrl(), orderId, 'READY', 60_000, customer);
  const pickup = await call(
    apiUrl(),
    'POST',
    `/orders/${orderId}/pickup`,
    undefined,
    bearer(system.staffToken),
  );
  expect(pickup.status).toBe(200);
  await waitForStatus(apiUrl(), orderId, 'COMPLETED', 30_000, customer);

  const request = () => receiver.spans.find((span) => span.name === 'POST /orders');
  const servicesOf = (traceId: string) =>
    new Set(receiver.spans.filter((span) => span.traceId === traceId).map((span) => span.service));
  for (let tries = 0; tries < 100; tries += 1) {
    const traceId = request()?.traceId;
    if (traceId && servicesOf(traceId).size >= 3) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const traceId = request()?.traceId;
  expect(traceId, receiver.posts.slice(0, 5).join('\n')).toBeDefined();
  const services = servicesOf(traceId!);
  expect(services.size, [...services].join(', ')).toBeGreaterThanOrEqual(3);
  for (const service of ['brew-saga-api', 'brew-saga-orders-worker', 'brew-saga-barista'])
    expect(services).toContain(service);
  expect(receiver.posts.some((post) => post.includes('/v1/traces application/json'))).toBe(true);
});
