import { Validator } from '@seriousme/openapi-schema-validator';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { apiConfig, loadApiConfig } from '../../../config/api';
import { InvalidConfig } from '../../../config/read';
import { json, placeOrder, postJson, startTestApi, type TestApi } from './harness';

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi({ maxProjectionLag: 10 });
});
afterEach(() => api.close());

test('the OpenAPI document is valid OpenAPI 3.1 and documents every route', async () => {
  const response = await fetch(`${api.url}/openapi.json`);
  expect(response.status).toBe(200);
  const document = await json(response);
  const validator = new Validator();
  const result = await validator.validate(document);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(validator.version).toBe('3.1');
  const routes = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
  );
  expect(routes.sort()).toEqual(
    [
      'POST /orders',
      'GET /orders',
      'GET /orders/{id}',
      'GET /orders/{id}/events',
      'GET /orders/{id}/saga',
      'GET /orders/{id}/stream',
      'GET /orders/stream',
      'POST /orders/{id}/cancel',
      'POST /orders/{id}/pickup',
      'POST /orders/{id}/reject',
      'GET /menu',
      'GET /barista/queue',
      'GET /stats/sales',
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
      'GET /openapi.json',
      'GET /board',
      'GET /',
      'GET /shop/config',
      'DELETE /orders/{id}/personal-data',
      'POST /codec/encode',
      'POST /codec/decode',
    ].sort(),
  );
  // strict schemas are documented as such
  expect(document.components.schemas.PlaceOrderRequest.additionalProperties).toBe(false);
});

test('the menu lists every drink and size with integer prices', async () => {
  const menu = await json(await fetch(`${api.url}/menu`));
  expect(menu.currency).toBe('USD');
  const latte = menu.drinks.find((d: { drink: string }) => d.drink === 'latte');
  expect(latte.sizes).toContainEqual({ size: 'medium', price: { amount: 450, currency: 'USD' } });
});

test('healthz is alive; readyz is 503 only when Postgres or Temporal is unreachable, and says only that; lagging projections are degraded, still ready', async () => {
  expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  const ready = await fetch(`${api.url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await json(ready)).toEqual({ status: 'ready' });

  api.shop.health.postgres = false;
  const noPostgres = await fetch(`${api.url}/readyz`);
  expect(noPostgres.status).toBe(503);
  expect(await json(noPostgres)).toEqual({ status: 'not_ready' });
  expect(api.logs.at(-2)).toMatchObject({ msg: 'not ready', postgres: 'connection refused' });

  api.shop.health.postgres = true;
  api.shop.health.temporal = false;
  expect((await fetch(`${api.url}/readyz`)).status).toBe(503);

  api.shop.health.temporal = true;
  api.shop.health.lag = 11;
  const behind = await fetch(`${api.url}/readyz`);
  expect(behind.status).toBe(200);
  expect(await json(behind)).toEqual({ status: 'degraded', degraded: ['projectionLag'] });
  // A successful probe's own `request completed` line is debug (API_ACCESS_LOG_READS): the last line is this.
  expect(api.logs.at(-1)).toMatchObject({ msg: 'degraded', projectionLag: { ok: false, lag: 11, max: 10 } });

  api.shop.health.postgres = false;
  expect((await fetch(`${api.url}/readyz`)).status).toBe(503);
  api.shop.health.postgres = true;
});

test('metrics (manager only) expose latency by route and status, orders by outcome, and projection lag', async () => {
  await placeOrder(api);
  await postJson(`${api.url}/orders`, { nope: true });
  await fetch(`${api.url}/orders/nope`, { headers: api.staff });
  api.shop.health.lag = 3;
  expect((await fetch(`${api.url}/metrics`)).status).toBe(401);
  expect(
    (await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${api.tokens.barista}` } }))
      .status,
  ).toBe(403);
  const text = await (await fetch(`${api.url}/metrics`, { headers: api.staff })).text();
  expect(text).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/orders\/:id"[^}]*status="404"/);
  expect(text).toMatch(
    /http_request_duration_seconds_count\{method="POST",route="\/orders",status="202"\} 1/,
  );
  expect(text).toContain('brew_orders_total{outcome="placed"} 1');
  expect(text).toContain('brew_orders_total{outcome="invalid"} 1');
  expect(text).toContain('brew_projection_lag_events 3');
});

test('an unknown route is 404; a method a route does not have is 405 with Allow; OPTIONS lists them', async () => {
  const unknown = await fetch(`${api.url}/espresso-machine`);
  expect(unknown.status).toBe(404);
  expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  for (const [method, path, allow] of [
    ['DELETE', '/orders', 'GET, HEAD, POST, OPTIONS'],
    ['PUT', '/orders/abc', 'GET, HEAD, OPTIONS'],
    ['PATCH', '/orders/abc/personal-data', 'DELETE, OPTIONS'],
    ['POST', '/menu', 'GET, HEAD, OPTIONS'],
  ] as const) {
    const response = await fetch(`${api.url}${path}`, { method });
    expect(response.status, `${method} ${path}`).toBe(405);
    expect(response.headers.get('allow')).toBe(allow);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({
      type: 'urn:brew-saga:problem:method-not-allowed',
      status: 405,
    });
  }
  const options = await fetch(`${api.url}/orders/abc/events`, { method: 'OPTIONS' });
  expect(options.status).toBe(204);
  expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
});

test('configuration is validated once, with every problem named', () => {
  expect(() => loadApiConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' })).toThrow(InvalidConfig);
  try {
    loadApiConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', API_TOKEN_SECRET: 'short' });
  } catch (error) {
    expect((error as InvalidConfig).problems.map((p) => p.split(':')[0])).toEqual([
      'PORT',
      'LOG_LEVEL',
      'API_TOKEN_SECRET',
    ]);
  }
  expect(apiConfig().port).toBe(3000);
  const secret = { API_TOKEN_SECRET: 'x'.repeat(32) };
  expect(loadApiConfig({ ...secret, PORT: '8080' }).port).toBe(8080);
  // keys are kept at least a day
  expect(() => loadApiConfig({ ...secret, API_IDEMPOTENCY_RETENTION_HOURS: '2' })).toThrow(InvalidConfig);
  expect(
    loadApiConfig({ ...secret, API_CORS_ORIGINS: 'https://a.example, https://b.example' }).corsOrigins,
  ).toEqual(['https://a.example', 'https://b.example']);
});
