import { Validator } from '@seriousme/openapi-schema-validator';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { apiConfig, loadApiConfig } from '../../../config/api';
import { InvalidConfig } from '../../../config/read';
import { json, postJson, startTestApi, type TestApi, validOrder } from './harness';

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

test('healthz is alive; readyz is 503 when Postgres, Temporal or the projections are not ready', async () => {
  expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  const ready = await fetch(`${api.url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await json(ready)).toMatchObject({ status: 'ready' });

  api.shop.health.postgres = false;
  const noPostgres = await json(await fetch(`${api.url}/readyz`));
  expect(noPostgres).toMatchObject({ status: 'not_ready', checks: { postgres: { ok: false } } });

  api.shop.health.postgres = true;
  api.shop.health.temporal = false;
  expect((await fetch(`${api.url}/readyz`)).status).toBe(503);

  api.shop.health.temporal = true;
  api.shop.health.lag = 11;
  const behind = await fetch(`${api.url}/readyz`);
  expect(behind.status).toBe(503);
  expect((await json(behind)).checks.projectionLag).toMatchObject({ ok: false, lag: 11, max: 10 });
});

test('metrics expose latency by route and status, orders by outcome, and projection lag', async () => {
  await postJson(`${api.url}/orders`, validOrder());
  await postJson(`${api.url}/orders`, { nope: true });
  await fetch(`${api.url}/orders/nope`);
  api.shop.health.lag = 3;
  const text = await (await fetch(`${api.url}/metrics`)).text();
  expect(text).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/orders\/:id"[^}]*status="404"/);
  expect(text).toMatch(
    /http_request_duration_seconds_count\{method="POST",route="\/orders",status="202"\} 1/,
  );
  expect(text).toContain('brew_orders_total{outcome="placed"} 1');
  expect(text).toContain('brew_orders_total{outcome="invalid"} 1');
  expect(text).toContain('brew_projection_lag_events 3');
});

test('unknown routes and wrong methods are 404 problem details', async () => {
  for (const [method, path] of [
    ['GET', '/espresso-machine'],
    ['DELETE', '/orders'],
  ]) {
    const response = await fetch(`${api.url}${path}`, { method });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  }
});

test('configuration is validated once, with every problem named', () => {
  expect(() => loadApiConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' })).toThrow(InvalidConfig);
  try {
    loadApiConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' });
  } catch (error) {
    expect((error as InvalidConfig).problems.map((p) => p.split(':')[0])).toEqual(['PORT', 'LOG_LEVEL']);
  }
  expect(apiConfig().port).toBe(3000);
  expect(loadApiConfig({ PORT: '8080' }).port).toBe(8080);
});
