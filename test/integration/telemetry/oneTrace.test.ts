import { Writable } from 'node:stream';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { createLogger } from '../../../api/logger';
import { type RunningApi, startApi } from '../../../api/server';
import { apiConfig } from '../../../config/api';
import { createEventStore, migrateEventStore } from '../../../eventstore';
import { startProjector } from '../../../projections';
import { createCoffeeMachineSimulator, createPaymentSimulator } from '../../../simulators';
import { startTracing, type Tracing } from '../../../telemetry/tracing';
import { createVault, migrateVault } from '../../../vault';
import { createBaristaWorker } from '../../../workers/baristaWorker';
import { createOrdersWorker, vaultPorts } from '../../../workers/ordersWorker';
import { ORDER_SAGA_WORKFLOW } from '../../../workflows/contract';
import { bearer, call, order, placeOrder, waitForStatus } from '../../e2e/http';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { TEST_CODEC_KEYS, TEST_VAULT_KEYS, testDataConverter } from '../../support/secrets';
import { authConfig, staffTokens } from '../../support/staffTokens';
import { uniqueTaskQueue } from '../../support/temporal';

// The shop in this process, traced into memory: API, orders worker and barista each under their own
// service name, as their processes would export them.
const spans = new InMemorySpanExporter();
let tracing: Tracing;
let db: TestDatabase;
let api: RunningApi;
let connection: NativeConnection;
let workers: Worker[];
let running: Promise<void>[];
let projector: Awaited<ReturnType<typeof startProjector>>;
const logLines: Record<string, unknown>[] = [];
const temporalAddress = () => inject('temporalAddress');

beforeAll(async () => {
  tracing = startTracing({ serviceName: 'brew-saga-api', spanProcessors: [new SimpleSpanProcessor(spans)] });
  db = await createTestDatabase();
  await migrateEventStore(db.pool);
  await migrateVault(db.pool);
  const store = createEventStore(db.pool);
  connection = await NativeConnection.connect({ address: temporalAddress() });
  const ordersQueue = uniqueTaskQueue('trace-orders');
  const baristaQueue = uniqueTaskQueue('trace-barista');
  workers = [
    await createOrdersWorker({
      connection,
      taskQueue: ordersQueue,
      appendToStream: store.append,
      readStream: (streamId) => store.readStream(streamId),
      paymentGateway: createPaymentSimulator({}),
      ...vaultPorts(createVault(db.pool, TEST_VAULT_KEYS)),
      // The codec seals every payload, and the tracing interceptors' headers ride beside them.
      dataConverter: testDataConverter,
      serviceName: 'brew-saga-orders-worker',
    }),
    await createBaristaWorker({
      connection,
      taskQueue: baristaQueue,
      coffeeMachine: createCoffeeMachineSimulator({ brewScale: 0.002, tickMs: 50 }),
      dataConverter: testDataConverter,
      serviceName: 'brew-saga-barista',
    }),
  ];
  running = workers.map((worker) => worker.run());
  projector = await startProjector({ pool: db.pool, pollIntervalMs: 200 });
  const logs = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) logLines.push(JSON.parse(line));
      done();
    },
  });
  api = await startApi({
    config: apiConfig({
      port: 0,
      databaseUrl: db.url,
      temporalAddress: temporalAddress(),
      taskQueue: ordersQueue,
      ...(await authConfig()),
      vaultKeys: TEST_VAULT_KEYS,
      codecKeys: TEST_CODEC_KEYS,
    }),
    logger: createLogger('info', logs),
    baristaTaskQueue: baristaQueue,
  });
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await projector?.stop();
  for (const worker of workers ?? []) worker.shutdown();
  await Promise.allSettled(running ?? []);
  await connection?.close();
  await db?.drop();
  await tracing?.stop();
});

const serviceOf = (span: ReadableSpan) => String(span.resource.attributes['service.name']);

/** Every ancestor of a span within its trace, nearest first. */
function ancestors(span: ReadableSpan, all: ReadableSpan[]): ReadableSpan[] {
  const byId = new Map(all.map((each) => [each.spanContext().spanId, each]));
  const chain: ReadableSpan[] = [];
  for (let parent = byId.get(span.parentSpanId ?? ''); parent; parent = byId.get(parent.parentSpanId ?? ''))
    chain.push(parent);
  return chain;
}

test('one order on the happy path is one trace: the API, the orders worker and the barista, down to the SQL', async () => {
  const placed = await placeOrder(api.url, order());
  expect(placed.status).toBe(202);
  const { orderId, orderToken } = placed.body;
  await waitForStatus(api.url, orderId, 'READY', 20_000, bearer(orderToken));
  const staff = bearer((await staffTokens()).barista);
  expect((await call(api.url, 'POST', `/orders/${orderId}/pickup`, undefined, staff)).status).toBe(200);
  await waitForStatus(api.url, orderId, 'COMPLETED', 20_000, staff);

  const request = () =>
    spans
      .getFinishedSpans()
      .find(
        (span) => span.name === 'POST /orders' && serviceOf(span) === 'brew-saga-api' && !span.parentSpanId,
      );
  // Workflow spans leave the sandbox through a sink once the saga completes: wait for them.
  let trace: ReadableSpan[] = [];
  for (let tries = 0; tries < 100; tries += 1) {
    const traceId = request()?.spanContext().traceId;
    trace = spans.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    if (trace.some((span) => span.name === `RunWorkflow:${ORDER_SAGA_WORKFLOW}`)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const root = request()!;
  expect(root, 'the POST /orders server span').toBeDefined();
  const traceId = root.spanContext().traceId;
  const names = trace.map((span) => `${serviceOf(span)} ${span.name}`);
  const context = names.join('\n');

  expect(new Set(trace.map(serviceOf)), context).toEqual(
    new Set(['brew-saga-api', 'brew-saga-orders-worker', 'brew-saga-barista']),
  );
  const workflow = trace.find((span) => span.name === `RunWorkflow:${ORDER_SAGA_WORKFLOW}`);
  expect(workflow, context).toBeDefined();
  expect(ancestors(workflow!, trace)).toContain(root);

  // Every activity ran under the workflow's span: the authorization, the brew on the barista, the capture, each append.
  const activities = trace.filter((span) => span.name.startsWith('RunActivity:'));
  for (const name of [
    'RunActivity:authorizePayment',
    'RunActivity:brewDrinks',
    'RunActivity:capturePayment',
    'RunActivity:appendOrderEvents',
  ])
    expect(
      activities.map((span) => span.name),
      context,
    ).toContain(name);
  for (const activity of activities) expect(ancestors(activity, trace), activity.name).toContain(workflow);
  expect(serviceOf(activities.find((span) => span.name === 'RunActivity:brewDrinks')!)).toBe(
    'brew-saga-barista',
  );

  // SQL under the appends: the INSERT into the log is a child of an appendOrderEvents span.
  const appends = activities.filter((span) => span.name === 'RunActivity:appendOrderEvents');
  const sqlUnderAppends = trace.filter(
    (span) =>
      span.attributes['db.system'] === 'postgresql' &&
      ancestors(span, trace).some((ancestor) => appends.includes(ancestor)),
  );
  expect(sqlUnderAppends.length, context).toBeGreaterThan(0);
  expect(
    sqlUnderAppends.some((span) => /INSERT INTO events/.test(String(span.attributes['db.statement']))),
  ).toBe(true);

  // Each fact carries the trace that wrote it, and the projector's handling links back to it.
  const { rows } = await db.pool.query<{ traceparent: string | null }>(
    `SELECT metadata->>'traceparent' AS traceparent FROM events WHERE stream_id = $1`,
    [`order-${orderId}`],
  );
  expect(rows.length).toBeGreaterThan(5);
  for (const row of rows.filter((each) => each.traceparent)) expect(row.traceparent).toContain(traceId);
  const linked = spans
    .getFinishedSpans()
    .filter(
      (span) => span.name.endsWith(' process') && span.links.some((link) => link.context.traceId === traceId),
    );
  expect(linked.length).toBeGreaterThan(0);

  // The request's log lines carry its trace id.
  const requestLine = logLines.find(
    (line) => line.msg === 'request completed' && line.method === 'POST' && line.orderId === orderId,
  );
  expect(requestLine?.trace_id).toBe(traceId);
  expect(requestLine?.span_id).toMatch(/^[0-9a-f]{16}$/);
});
