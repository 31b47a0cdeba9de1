import { afterEach, expect, test } from 'vitest';
import { json, newKey, placeOrder, postJson, startTestApi, type TestApi, validOrder } from './harness';

// Limits on every door, over the real app with fake ports: rate limits, stream caps, headers, switches.

let api: TestApi | undefined;
afterEach(() => api?.close());

const tight = (limits: Partial<{ orders: number; commands: number; authFailures: number }>) => ({
  rateLimits: { windowMs: 60_000, orders: 1_000, commands: 1_000, authFailures: 1_000, ...limits },
});

const expectTooMany = async (response: Response) => {
  expect(response.status).toBe(429);
  expect(response.headers.get('content-type')).toMatch(/problem\+json/);
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(response.headers.get('ratelimit')).toMatch(/r=0/);
  expect(response.headers.get('ratelimit-policy')).toBeTruthy();
};

test('placing orders is rate limited per client: 429 with Retry-After and RateLimit headers, and no order', async () => {
  api = await startTestApi(tight({ orders: 3 }));
  for (let i = 0; i < 3; i += 1) {
    const placed = await placeOrder(api);
    expect(placed.status).toBe(202);
    expect(placed.headers.get('ratelimit')).toMatch(/r=\d/);
  }
  await expectTooMany(await placeOrder(api));
  expect(api.shop.placedCalls).toHaveLength(3);
});

test('commands are rate limited per client', async () => {
  api = await startTestApi(tight({ commands: 2 }));
  const { orderId } = await json(await placeOrder(api));
  for (let i = 0; i < 2; i += 1)
    expect((await postJson(`${api.url}/orders/${orderId}/pickup`, undefined, api.staff)).status).toBe(409);
  await expectTooMany(await postJson(`${api.url}/orders/${orderId}/cancel`, undefined, api.staff));
});

test('failed sign-ins are limited: after too many 401s even a good token waits', async () => {
  api = await startTestApi(tight({ authFailures: 3 }));
  const bad = { authorization: 'Bearer nonsense' };
  for (let i = 0; i < 3; i += 1)
    expect((await fetch(`${api.url}/orders`, { headers: bad })).status).toBe(401);
  await expectTooMany(await fetch(`${api.url}/orders`, { headers: api.staff }));
});

test('successful calls never count as failed sign-ins', async () => {
  api = await startTestApi(tight({ authFailures: 2 }));
  for (let i = 0; i < 5; i += 1)
    expect((await fetch(`${api.url}/orders`, { headers: api.staff })).status).toBe(200);
});

test('open streams are capped per client and in total: 429 with Retry-After, and room again once one closes', async () => {
  api = await startTestApi({ sseMaxStreamsPerClient: 2, sseMaxStreams: 3 });
  const { orderId } = await json(await placeOrder(api));
  const open = () => {
    const controller = new AbortController();
    return fetch(`${api!.url}/orders/${orderId}/stream`, {
      headers: api!.staff,
      signal: controller.signal,
    }).then((response) => ({ response, close: () => controller.abort() }));
  };
  const first = await open();
  const second = await open();
  expect([first.response.status, second.response.status]).toEqual([200, 200]);
  const third = await open();
  expect(third.response.status).toBe(429);
  expect(third.response.headers.get('retry-after')).toBe('5');
  expect((await json(third.response)).detail).toMatch(/this client/);
  first.close();
  await expect
    .poll(async () => {
      const again = await open();
      again.close();
      return again.response.status;
    })
    .toBe(200);
  second.close();
});

test('every answer carries security headers: a CSP the pages satisfy, nosniff, no framing', async () => {
  api = await startTestApi();
  for (const path of ['/', '/board', '/menu', '/orders/x']) {
    const response = await fetch(`${api.url}${path}`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp, path).toContain("default-src 'self'");
    expect(csp, path).toContain("frame-ancestors 'none'");
    expect(csp, path).toContain("script-src 'self'");
    expect(csp, path).not.toContain('upgrade-insecure-requests');
    expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    expect(response.headers.get('x-frame-options'), path).toBe('DENY');
    expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
  }
  const board = await (await fetch(`${api.url}/board`)).text();
  expect(board).not.toMatch(/<style|\sstyle=|<script(?![^>]*\bsrc=)/);
});

test('no CORS unless an origin is allowed by configuration', async () => {
  api = await startTestApi();
  const origin = { origin: 'https://elsewhere.example' };
  expect(
    (await fetch(`${api.url}/menu`, { headers: origin })).headers.get('access-control-allow-origin'),
  ).toBeNull();
  await api.close();
  api = await startTestApi({ corsOrigins: ['https://shop.example'] });
  const allowed = await fetch(`${api.url}/menu`, { headers: { origin: 'https://shop.example' } });
  expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
  const preflight = await fetch(`${api.url}/orders`, {
    method: 'OPTIONS',
    headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-headers')).toContain('Idempotency-Key');
  expect(
    (await fetch(`${api.url}/menu`, { headers: origin })).headers.get('access-control-allow-origin'),
  ).toBeNull();
});

test('with the simulators off, their switches are refused like unknown fields, and the document says so', async () => {
  api = await startTestApi({ simulators: false });
  const withMachine = await placeOrder(api, {
    ...validOrder(),
    items: [{ drink: 'latte', size: 'small', quantity: 1, machine: 'jam' }],
  });
  expect(withMachine.status).toBe(400);
  expect((await json(withMachine)).errors[0]).toMatchObject({
    pointer: '/items/0/machine',
    code: 'unknown_field',
  });
  const magicCard = await placeOrder(api, { ...validOrder(), payment: { token: 'tok_flaky' } });
  expect(magicCard.status).toBe(400);
  expect((await json(magicCard)).errors[0]).toMatchObject({ pointer: '/payment/token' });
  expect(api.shop.placedCalls).toHaveLength(0);
  expect((await placeOrder(api)).status).toBe(202);
  const document = (await json(await fetch(`${api.url}/openapi.json`))) as {
    components: { schemas: Record<string, { properties: Record<string, unknown> }> };
  };
  expect(Object.keys(document.components.schemas.OrderItemRequest?.properties ?? {})).not.toContain(
    'machine',
  );
});

test('the document declares both bearer schemes and, per route, who may call it', async () => {
  api = await startTestApi();
  const document = await json(await fetch(`${api.url}/openapi.json`));
  expect(document.components.securitySchemes).toMatchObject({
    orderToken: { type: 'http', scheme: 'bearer' },
    staffJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
  });
  expect(document.paths['/orders/{id}'].get.security).toEqual([
    { orderToken: [] },
    { staffJwt: ['barista', 'manager'] },
  ]);
  expect(document.paths['/stats/sales'].get.security).toEqual([{ staffJwt: ['manager'] }]);
  expect(document.paths['/menu'].get.security).toEqual([]);
  expect(document.paths['/orders'].post.parameters).toContainEqual(
    expect.objectContaining({ in: 'header', name: 'idempotency-key', required: true }),
  );
  expect(Object.keys(document.paths['/orders/{id}/cancel'].post.responses)).toEqual(
    expect.arrayContaining(['401', '403', '404', '429']),
  );
});

test('a token in ?access_token= never reaches the log', async () => {
  api = await startTestApi();
  const { orderId, orderToken } = await json(await placeOrder(api));
  const controller = new AbortController();
  const stream = await fetch(`${api.url}/orders/${orderId}/stream?access_token=${orderToken}`, {
    signal: controller.signal,
  });
  expect(stream.status).toBe(200);
  controller.abort();
  const refused = await fetch(`${api.url}/orders/${orderId}/stream?access_token=${'x'.repeat(43)}`);
  expect(refused.status).toBe(401);
  expect((await json(refused)).instance).toBe(`/orders/${orderId}/stream?access_token=[redacted]`);
  await expect.poll(() => api!.rawLogs()).toContain('access_token=[redacted]');
  expect(api.rawLogs()).not.toContain(orderToken);
});

test('a replay answers the same order token, and a new key a new one', async () => {
  api = await startTestApi();
  const key = newKey();
  const first = await json(await placeOrder(api, validOrder(), key));
  const again = await json(await placeOrder(api, validOrder(), key));
  expect(again.orderToken).toBe(first.orderToken);
  expect((await json(await placeOrder(api))).orderToken).not.toBe(first.orderToken);
});
