import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { json, newKey, placeOrder, postJson, startTestApi, type TestApi, validOrder } from './harness';
import { malformedOrders } from './malformedRequests';

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(() => api.close());

describe('POST /orders refuses bad input with problem details and creates nothing', () => {
  test.each(malformedOrders)('$name → $status', async (bad) => {
    const response = await fetch(`${api.url}${bad.path ?? '/orders'}`, {
      method: 'POST',
      headers: { 'content-type': bad.contentType ?? 'application/json', ...newKey(), ...bad.headers },
      body: typeof bad.body === 'string' ? bad.body : JSON.stringify(bad.body),
    });
    expect(response.status).toBe(bad.status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = await json(response);
    expect(problem).toMatchObject({
      status: bad.status,
      type: expect.stringMatching(/^urn:/),
      title: expect.any(String),
    });
    expect(problem.correlationId).toBe(response.headers.get('x-request-id'));
    if (bad.pointer !== undefined) {
      expect(problem.errors.map((e: { pointer: string }) => e.pointer)).toContain(bad.pointer);
    }
    expect(api.shop.placedCalls).toHaveLength(0);
  });
});

test('a valid order is accepted with 202, a Location, the position of OrderPlaced and its order token', async () => {
  const response = await placeOrder(api);
  expect(response.status).toBe(202);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const body = await json(response);
  expect(body).toMatchObject({ orderId: expect.any(String), status: 'PLACED', position: 1 });
  expect(body.orderToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(response.headers.get('location')).toBe(`/orders/${body.orderId}`);
  expect(body.links.self).toBe(`/orders/${body.orderId}`);
  // prices come from the menu, never from the client
  expect(api.shop.orders.get(body.orderId)?.total).toEqual({ amount: 900, currency: 'USD' });
});

test('without an Idempotency-Key the order is refused with 400 naming the header; a guessable key too', async () => {
  const missing = await postJson(`${api.url}/orders`, validOrder());
  expect(missing.status).toBe(400);
  const problem = await json(missing);
  expect(problem.detail).toContain('Idempotency-Key');
  expect(problem.errors).toEqual([
    expect.objectContaining({ location: 'header', pointer: 'Idempotency-Key', code: 'missing' }),
  ]);
  for (const key of ['order-1', 'a'.repeat(21), 'ana monday 1 with spaces in it']) {
    const weak = await postJson(`${api.url}/orders`, validOrder(), { 'idempotency-key': key });
    expect(weak.status, key).toBe(400);
    expect((await json(weak)).errors[0]).toMatchObject({ location: 'header', pointer: 'Idempotency-Key' });
  }
  expect(api.shop.placedCalls).toHaveLength(0);
  // different keys, different orders
  const first = await json(await placeOrder(api));
  const second = await json(await placeOrder(api));
  expect(first.orderId).not.toBe(second.orderId);
  expect(first.orderToken).not.toBe(second.orderToken);
});

test('the same Idempotency-Key and body answer the same order and token; another body is refused with 422', async () => {
  const headers = newKey();
  const first = await postJson(`${api.url}/orders`, validOrder(), headers);
  const again = await postJson(`${api.url}/orders`, validOrder(), headers);
  expect(again.status).toBe(202);
  expect(await json(again)).toEqual(await json(first));
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(api.shop.orders.size).toBe(1);
  // the token is derived again for the replay: what was stored for it holds no token
  const [stored] = [...api.shop.keys.values()];
  expect(JSON.stringify(stored?.response)).not.toContain('orderToken');

  const other = await postJson(`${api.url}/orders`, { ...validOrder(), customer: 'Bea' }, headers);
  expect(other.status).toBe(422);
  expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(api.shop.orders.size).toBe(1);
});

test('30 concurrent requests with one key create exactly one order', async () => {
  const answers = await Promise.all(
    Array.from({ length: 30 }, () =>
      postJson(`${api.url}/orders`, validOrder(), { 'idempotency-key': 'burst-key-of-22-chars-or-more' }),
    ),
  );
  const bodies = await Promise.all(answers.map(json));
  expect(answers.every((r) => r.status === 202)).toBe(true);
  expect(new Set(bodies.map((b) => b.orderId)).size).toBe(1);
  expect(new Set(bodies.map((b) => b.position)).size).toBe(1);
  expect(new Set(bodies.map((b) => b.orderToken)).size).toBe(1);
  expect(api.shop.orders.size).toBe(1);
});

test('logs carry the correlation id and orderId, and never the payment token', async () => {
  const response = await placeOrder(api, validOrder(), { 'x-request-id': 'req-ana-1' });
  const { orderId } = await json(response);
  expect(response.headers.get('x-request-id')).toBe('req-ana-1');
  const lines = api.logs.filter((line) => line.correlationId === 'req-ana-1');
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.every((line) => line.orderId === orderId)).toBe(true);
  expect(api.rawLogs()).not.toContain('tok_visa_4242');
});

test('a compressed or oddly encoded body is refused with 415, never a 5xx', async () => {
  const cases: Record<string, string>[] = [
    { 'content-encoding': 'gzip' },
    { 'content-type': 'application/json; charset=iso-8859-1' },
  ];
  for (const headers of cases) {
    const response = await fetch(`${api.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...newKey(), ...headers },
      body: JSON.stringify(validOrder()),
    });
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  }
  expect(api.shop.placedCalls).toHaveLength(0);
});
