import { afterEach, expect, test } from 'vitest';
import { loadApiConfig } from '../../../config/api';
import { json, startTestApi, type TestApi } from './harness';

let api: TestApi | undefined;
afterEach(() => api?.close());

test('GET / is the customer page: HTML whose scripts and styles are files of its own (no inline code)', async () => {
  api = await startTestApi();
  const page = await fetch(`${api.url}/`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  const html = await page.text();
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/);
  for (const asset of ['/shop/shop.js', '/shop/tracking.js', '/shop/common.js', '/shop/shop.css']) {
    expect((await fetch(`${api.url}${asset}`)).status, asset).toBe(200);
  }
});

test('GET /shop/config says whether payments are simulated, as SHOP_SIMULATORS sets it', async () => {
  api = await startTestApi();
  expect(await json(await fetch(`${api.url}/shop/config`))).toEqual({ simulators: true });
  await api.close();
  api = await startTestApi({ simulators: false });
  expect(await json(await fetch(`${api.url}/shop/config`))).toEqual({ simulators: false });
  const secret = { API_TOKEN_SECRET: 'x'.repeat(32) };
  expect(loadApiConfig({ ...secret, SHOP_SIMULATORS: 'false' }).simulators).toBe(false);
  expect(loadApiConfig(secret).simulators).toBe(true);
});
