import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchBrowser } from './browser';
import { call } from './http';
import { type ShopSystem, startShop } from './system';

let shop: ShopSystem;
let browser: Browser;
beforeAll(async () => {
  shop = await startShop('customer');
  browser = await launchBrowser();
  mkdirSync('test-output', { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await shop?.stop();
});

const DESKTOP = { width: 1280, height: 900 };
const MOBILE = { width: 390, height: 844 };

/** Opens `/`, fills the cart with a medium latte and a large cappuccino, and names the customer. */
async function fillCart(page: Page, customer: string): Promise<void> {
  await page.goto(`${shop.url}/`);
  await page.locator('#drinks button[data-drink="latte"][data-size="medium"]').click();
  await page.locator('#drinks button[data-drink="cappuccino"][data-size="large"]').click();
  await page.getByLabel('Your name').fill(customer);
}

const ordersOf = async (customer: string) =>
  (await call(shop.url, 'GET', `/orders?customer=${encodeURIComponent(customer)}`, undefined, shop.staff))
    .body.orders as {
    orderId: string;
    status: string;
  }[];

const trackedOrderId = (page: Page) => new URL(page.url()).hash.match(/order=([^&]+)/)?.[1];

test('a customer orders two drinks, follows them to READY without a reload, and reopens the tracking link', async () => {
  const page = await browser.newPage({ viewport: DESKTOP });
  const loads: string[] = [];
  page.on('load', () => loads.push(page.url()));
  const placements: (string | undefined)[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/orders') {
      placements.push(request.headers()['idempotency-key']);
    }
  });

  await fillCart(page, 'Dee');
  await expect.poll(() => page.locator('#cart-lines li').count()).toBe(2);
  expect(await page.locator('#cart-total').textContent()).toBe('$9.50');
  expect(await page.locator('#cards').isVisible()).toBe(true);
  await page.screenshot({ path: 'test-output/customer-desktop.png', fullPage: true });

  await page.locator('#place-order').dblclick();
  const tracking = page.locator('#tracking[data-status="READY"]');
  await tracking.waitFor({ timeout: 20_000 });
  expect(await page.locator('#track-status').textContent()).toMatch(/Ready/);
  expect(await page.locator('#track-countdown').textContent()).toMatch(/within \d+:\d\d/);
  expect(await page.locator('#track-items li').count()).toBe(2);
  expect(await page.locator('#cancel-order').isVisible()).toBe(false);
  expect(await page.locator('#reject-form').isVisible()).toBe(true);
  await page.screenshot({ path: 'test-output/customer-tracking-desktop.png', fullPage: true });
  expect(loads).toHaveLength(1);

  // a double click is one submission: one request with a key, one order
  expect(placements).toHaveLength(1);
  expect(placements[0]).toMatch(/^[0-9a-f-]{36}$/);
  const orders = await ordersOf('Dee');
  expect(orders.map((order) => order.orderId)).toEqual([trackedOrderId(page)]);

  const link = await page.locator('#track-link').getAttribute('href');
  // the link reopens the order with its token (in the fragment, never sent to the server)
  expect(link).toMatch(new RegExp(`^/#order=${trackedOrderId(page)}&token=[A-Za-z0-9_-]{43}$`));
  const later = await browser.newPage({ viewport: MOBILE });
  await later.goto(`${shop.url}${link}`);
  await later.locator('#tracking[data-status="READY"]').waitFor({ timeout: 10_000 });
  expect(await later.locator('#ordering').isVisible()).toBe(false);
  expect(await later.locator('#track-id').textContent()).toBe(await page.locator('#track-id').textContent());
  expect(await later.locator('#track-total').textContent()).toBe('$9.50');
  await later.screenshot({ path: 'test-output/customer-tracking-mobile.png', fullPage: true });
  await later.close();

  // the barista's board shows the same order, awaiting pickup
  const board = await browser.newPage({ viewport: DESKTOP });
  await board.goto(`${shop.url}/board`);
  await board.getByLabel('Staff token').fill(shop.tokens.barista);
  await board.getByRole('button', { name: 'Sign in' }).click();
  await board
    .locator(`section[data-column="READY"] #order-${trackedOrderId(page)}`)
    .waitFor({ timeout: 10_000 });
  await board.close();

  // Reject & remake: the drink goes back, and the page follows it being made again
  await page.getByLabel('Not what you ordered?').fill('wrong milk');
  await page.getByRole('button', { name: 'Reject & remake' }).click();
  await expect.poll(() => page.locator('#track-problem').textContent()).toMatch(/we are on it/);
  await page.close();
});

test('a retry after a lost answer sends the same Idempotency-Key: still one order', async () => {
  const page = await browser.newPage({ viewport: MOBILE });
  const keys: string[] = [];
  let lost = false;
  await page.route('**/orders', async (route) => {
    keys.push(route.request().headers()['idempotency-key'] ?? '');
    if (lost) return route.continue();
    lost = true;
    await route.fetch(); // the shop takes the order, the answer never reaches the page
    await route.abort('failed');
  });

  await fillCart(page, 'Eli');
  await page.screenshot({ path: 'test-output/customer-mobile.png', fullPage: true });
  await page.locator('#place-order').click();
  await page.locator('#checkout-problem', { hasText: 'Try again' }).waitFor();
  await page.locator('#place-order').click();
  await page.locator('#tracking').waitFor({ state: 'visible' });

  expect(keys).toHaveLength(2);
  expect(keys[1]).toBe(keys[0]);
  await expect.poll(async () => (await ordersOf('Eli')).length).toBe(1);
  expect((await ordersOf('Eli'))[0]?.orderId).toBe(trackedOrderId(page));
  await page.close();
});

test('a customer cancels while the card is still being charged', async () => {
  const page = await browser.newPage({ viewport: DESKTOP });
  await fillCart(page, 'Flo');
  await page.getByLabel(/Slow/).check();
  await page.locator('#place-order').click();
  await page.locator('#cancel-order').click({ timeout: 10_000 });
  await page.locator('#tracking[data-status="CANCELLED"]').waitFor({ timeout: 20_000 });
  expect(await page.locator('#track-status').textContent()).toBe('Cancelled.');
  expect(await page.locator('#cancel-order').isVisible()).toBe(false);
  await page.close();
});

test('the orderToken from the 202 goes out as a bearer and on the stream, and the link carries it', async () => {
  const page = await browser.newPage({ viewport: DESKTOP });
  const seen: { url: string; authorization?: string }[] = [];
  page.on('request', (request) =>
    seen.push({ url: request.url(), authorization: request.headers().authorization }),
  );

  await fillCart(page, 'Gus');
  await page.getByLabel(/Slow/).check();
  const placed = page.waitForResponse((response) => new URL(response.url()).pathname === '/orders');
  await page.locator('#place-order').click();
  const { orderToken } = await (await placed).json();
  expect(orderToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await page.locator('#cancel-order').click({ timeout: 10_000 });
  await page.locator('#tracking[data-status="CANCELLED"]').waitFor({ timeout: 20_000 });

  const orderId = trackedOrderId(page);
  expect(new URL(page.url()).hash).toBe(`#order=${orderId}&token=${orderToken}`);
  expect(await page.locator('#track-link').getAttribute('href')).toBe(
    `/#order=${orderId}&token=${orderToken}`,
  );
  expect(seen.some(({ url }) => url.endsWith(`/orders/${orderId}/stream?access_token=${orderToken}`))).toBe(
    true,
  );
  const cancel = seen.find(({ url }) => url.endsWith(`/orders/${orderId}/cancel`));
  expect(cancel?.authorization).toBe(`Bearer ${orderToken}`);
  // the token stays in the fragment: no request carries it in its path
  expect(seen.filter(({ url }) => url.includes('token=') && !url.includes('/stream?'))).toEqual([]);
  // and the server's logs never hold it, though it rode in the stream's query string
  expect(shop.logs()).not.toContain(orderToken);
  await page.close();
});
