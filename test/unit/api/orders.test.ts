import { get as httpGet } from 'node:http';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { json, placeOrder, postJson, startTestApi, type TestApi } from './harness';

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(() => api.close());

const place = async () => (await json(await placeOrder(api))).orderId as string;
// A manager may read everything; the permission table lives in test/e2e/permissions.test.ts.
const get = (path: string) => fetch(`${api.url}${path}`, { headers: api.staff });
const post = (path: string, body?: unknown) => postJson(`${api.url}${path}`, body, api.staff);

test('GET /orders/:id answers the read model with links; ?minPosition= beyond reach is 503 with Retry-After', async () => {
  const orderId = await place();
  const order = await json(await get(`/orders/${orderId}?minPosition=1`));
  expect(order).toMatchObject({ orderId, status: 'PLACED', links: { self: `/orders/${orderId}` } });
  const behind = await get(`/orders/${orderId}?minPosition=999`);
  expect(behind.status).toBe(503);
  expect(behind.headers.get('retry-after')).toBe('1');
  expect(behind.headers.get('content-type')).toMatch(/problem\+json/);
});

// fetch adds Cache-Control: no-cache to conditional requests (as the Fetch spec says), so a plain
// HTTP request stands in for a cache revalidating.
const revalidate = (path: string, etag: string) =>
  new Promise<{ status: number; etag: string | undefined }>((resolve, reject) => {
    const request = httpGet(
      `${api.url}${path}`,
      { headers: { 'if-none-match': etag, ...api.staff } },
      (response) => {
        response.resume();
        resolve({ status: response.statusCode!, etag: response.headers.etag });
      },
    );
    request.on('error', reject);
  });

test("an order's ETag names its state: unchanged answers 304, a change brings a new one", async () => {
  const orderId = await place();
  const first = await get(`/orders/${orderId}`);
  const etag = first.headers.get('etag')!;
  expect(etag).toMatch(/^W\/"/);
  expect((await get(`/orders/${orderId}`)).headers.get('etag')).toBe(etag);
  expect(await revalidate(`/orders/${orderId}`, etag)).toEqual({ status: 304, etag });
  api.shop.advance(orderId, 'PaymentCharged', 'PAID');
  const changed = await revalidate(`/orders/${orderId}`, etag);
  expect(changed.status).toBe(200);
  expect(changed.etag).not.toBe(etag);
  expect(await json(await get(`/orders/${orderId}`))).toMatchObject({ orderId, status: 'PAID' });
});

test('bad query parameters are 400 with the parameter named', async () => {
  const orderId = await place();
  for (const query of ['minPosition=soon', 'asOf=yesterday', 'color=blue']) {
    const response = await get(`/orders/${orderId}?${query}`);
    expect(response.status, query).toBe(400);
    const problem = await json(response);
    expect(problem.errors[0]).toMatchObject({ location: 'query', pointer: query.split('=')[0] });
  }
  expect((await get('/orders?limit=0')).status).toBe(400);
  expect((await get('/orders?status=BOILING')).status).toBe(400);
  expect((await get('/stats/sales?day=monday')).status).toBe(400);
});

test('?asOf= folds the order up to a position or an instant', async () => {
  const orderId = await place();
  api.shop.advance(orderId, 'PaymentCharged', 'PAID');
  const then = await json(await get(`/orders/${orderId}?asOf=1`));
  expect(then).toMatchObject({ orderId, status: 'PLACED', position: 1, asOf: '1' });
  const now = await json(await get(`/orders/${orderId}?asOf=2`));
  expect(now.status).toBe('PAID');
  // After the last event: the current state.
  for (const later of ['999999999999999', '9999-12-31T23:59:59Z']) {
    expect(await json(await get(`/orders/${orderId}?asOf=${later}`))).toMatchObject({
      status: 'PAID',
      position: 2,
    });
  }
  const before = await get(`/orders/${orderId}?asOf=2000-01-01T00:00:00Z`);
  expect(before.status).toBe(404);
});

test('GET /orders pages with a cursor and filters by status and customer', async () => {
  const ids = [await place(), await place(), await place()];
  api.shop.advance(ids[0]!, 'PaymentCharged', 'PAID');
  const first = await json(await get('/orders?limit=2'));
  expect(first.orders).toHaveLength(2);
  expect(first.links.next).toContain('cursor=');
  const second = await json(await get(first.links.next));
  expect(second.orders).toHaveLength(1);
  expect(second.nextCursor).toBeNull();
  const paid = await json(await get('/orders?status=PAID'));
  expect(paid.orders.map((o: { orderId: string }) => o.orderId)).toEqual([ids[0]]);
  expect((await json(await get('/orders?customer=Bea'))).orders).toHaveLength(0);
});

test('cancel: 202, then 409 once too late; pickup: 409 until ready, then 200; 404 for strangers', async () => {
  const orderId = await place();
  expect((await post(`/orders/${orderId}/pickup`)).status).toBe(409);
  const cancelled = await post(`/orders/${orderId}/cancel`);
  expect(cancelled.status).toBe(202);
  expect(await json(cancelled)).toMatchObject({ orderId, status: 'CANCELLED' });

  const other = await place();
  api.shop.advance(other, 'OrderReady', 'READY');
  const late = await post(`/orders/${other}/cancel`, { reason: 'too slow' });
  expect(late.status).toBe(409);
  expect(await json(late)).toMatchObject({ status: 409, currentStatus: 'READY', orderId: other });
  expect((await post(`/orders/${other}/pickup`)).status).toBe(200);

  expect((await post('/orders/nobody/cancel')).status).toBe(404);
  expect((await post('/orders/nobody/pickup')).status).toBe(404);
  expect((await post(`/orders/${orderId}/cancel`, { reason: 'x', refund: 'double' })).status).toBe(400);
});

test('pickup while the saga re-runs a lost workflow task and the log already says READY: 503, Retry-After, then 200', async () => {
  const orderId = await place();
  const brewing = api.shop.advance(orderId, 'BrewingStarted', 'BREWING');
  api.shop.advance(orderId, 'OrderReady', 'READY');
  const saga = api.shop.sagaBehind(orderId, 'BREWING', brewing);
  const early = await post(`/orders/${orderId}/pickup`);
  expect(early.status).toBe(503);
  expect(early.headers.get('retry-after')).toBe('1');
  expect(await json(early)).toMatchObject({
    type: expect.stringContaining('saga-catching-up'),
    orderId,
    currentStatus: 'READY',
  });
  saga.caughtUp();
  expect((await post(`/orders/${orderId}/pickup`)).status).toBe(200);
});

test('pickup refused by a saga that knows every fact the log has (a remake under way) stays 409', async () => {
  const orderId = await place();
  api.shop.advance(orderId, 'OrderReady', 'READY');
  const rejected = api.shop.advance(orderId, 'DrinkRejected', 'READY');
  api.shop.sagaBehind(orderId, 'BREWING', rejected);
  const refused = await post(`/orders/${orderId}/pickup`);
  expect(refused.status).toBe(409);
  expect(await json(refused)).toMatchObject({ currentStatus: 'BREWING' });
});

test('pickup refused by a READY saga (the drinks just sent back) stays 409, though the customer was notified after', async () => {
  const orderId = await place();
  const ready = api.shop.advance(orderId, 'OrderReady', 'READY');
  api.shop.advance(orderId, 'CustomerNotified', 'READY');
  api.shop.sagaBehind(orderId, 'READY', ready);
  expect((await post(`/orders/${orderId}/pickup`)).status).toBe(409);
});

test('the saga view links to the Web UI', async () => {
  const orderId = await place();
  const saga = await json(await get(`/orders/${orderId}/saga`));
  expect(saga).toMatchObject({
    workflowId: `order-${orderId}`,
    execution: 'RUNNING',
    links: { webUi: `http://127.0.0.1:8233/namespaces/default/workflows/order-${orderId}` },
  });
  expect((await get('/orders/nobody/saga')).status).toBe(404);
});

test('an order stream replays its changes, pushes new ones, and resumes after Last-Event-ID', async () => {
  const orderId = await place();
  api.shop.advance(orderId, 'PaymentCharged', 'PAID');
  const controller = new AbortController();
  const response = await fetch(`${api.url}/orders/${orderId}/stream`, {
    headers: api.staff,
    signal: controller.signal,
  });
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = response.body!.getReader();
  let text = '';
  const readUntil = async (needle: string) => {
    while (!text.includes(needle)) text += new TextDecoder().decode((await reader.read()).value);
  };
  await readUntil('id: 2');
  api.shop.advance(orderId, 'BrewingStarted', 'BREWING');
  await readUntil('id: 3');
  controller.abort();
  expect(text).toMatch(/id: 1\nevent: change\ndata: \{[^\n]*"status":"PLACED"/);
  expect(text).toMatch(/id: 3\nevent: change\ndata: \{[^\n]*"status":"BREWING"/);

  api.shop.advance(orderId, 'OrderReady', 'READY');
  const resumed = new AbortController();
  const again = await fetch(`${api.url}/orders/${orderId}/stream`, {
    headers: { 'last-event-id': '3', ...api.staff },
    signal: resumed.signal,
  });
  const { value } = await again.body!.getReader().read();
  let rest = new TextDecoder().decode(value);
  const more = again.body;
  void more;
  resumed.abort();
  rest = rest.replace(/^retry: \d+\n\n/, '');
  expect(rest).toMatch(/^id: 4\nevent: change\n/);
  expect((await get('/orders/nobody/stream')).status).toBe(404);
});

test('an empty Last-Event-ID means "from the start", as documented; anything but digits is 400', async () => {
  const orderId = await place();
  const empty = new AbortController();
  const fromStart = await fetch(`${api.url}/orders/${orderId}/stream`, {
    headers: { 'last-event-id': '', ...api.staff },
    signal: empty.signal,
  });
  const reader = fromStart.body!.getReader();
  let text = '';
  while (!text.includes('id: 1')) text += new TextDecoder().decode((await reader.read()).value);
  empty.abort();
  expect(text).toMatch(/id: 1\nevent: change\n/);
  for (const bad of ['abc', '-1', '1.5', '1234567890123456']) {
    const refused = await fetch(`${api.url}/orders/${orderId}/stream`, {
      headers: { 'last-event-id': bad, ...api.staff },
    });
    expect(refused.status, bad).toBe(400);
    expect((await json(refused)).errors[0]).toMatchObject({ location: 'header', pointer: 'Last-Event-Id' });
  }
  const header = (await json(await fetch(`${api.url}/openapi.json`))).paths[
    '/orders/{id}/stream'
  ].get.parameters.find((p: { name: string }) => p.name === 'last-event-id');
  expect(header.schema.pattern).toBe('^\\d{0,15}$');
});
