import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { SAGA_PATHS } from '../../simulators/sagaPaths';
import { launchBrowser } from './browser';
import { call, order, placeOrder, waitForStatus } from './http';
import { type ShopSystem, startShop } from './system';

let shop: ShopSystem;
let browser: Browser;
beforeAll(async () => {
  shop = await startShop('board');
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await shop?.stop();
});

test('a barista signs in; an order appears on the board and moves to READY without a reload; the pick-up button finishes it', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 700 } });
  const loads: string[] = [];
  page.on('load', () => loads.push(page.url()));
  const blocked: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
  });
  await page.goto(`${shop.url}/board`);
  expect(await page.locator('#connection').textContent()).toBe('signed out');

  // a token that is not a staff token is refused, and the board says so
  await page.getByLabel('Staff token').fill(shop.tokens.expired);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#toast', { hasText: 'not a barista or manager token' }).waitFor();
  expect(await page.locator('#connection').textContent()).toBe('signed out');

  await page.getByLabel('Staff token').fill(shop.tokens.barista);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#connection', { hasText: 'live' }).waitFor();

  const { orderId } = (await placeOrder(shop.url, order({ customer: 'Bo', payment: { token: 'tok_slow' } })))
    .body;
  const card = page.locator(`#order-${orderId}`);
  await card.waitFor({ timeout: 10_000 });
  expect(await card.getAttribute('data-status')).toMatch(/PLACED|PAID|BREWING/);

  await page.locator(`section[data-column="READY"] #order-${orderId}`).waitFor({ timeout: 20_000 });
  mkdirSync('test-output', { recursive: true });
  await page.screenshot({ path: 'test-output/board.png', fullPage: true });

  await card.locator('button[data-action="pickup"]').click();
  await page.locator(`section[data-column="DONE"] #order-${orderId}`).waitFor({ timeout: 20_000 });
  expect(loads).toHaveLength(1);

  // cancel from the board: a slow card leaves time to cancel before anything is brewed
  const second = (await placeOrder(shop.url, order({ customer: 'Cy', payment: { token: 'tok_slow' } }))).body;
  await page.locator(`#order-${second.orderId} button[data-action="cancel"]`).click();
  await page.locator(`section[data-column="STOPPED"] #order-${second.orderId}`).waitFor({ timeout: 20_000 });
  expect(await page.locator(`#order-${second.orderId}`).getAttribute('data-status')).toBe('CANCELLED');
  // the CSP the API sends let the board do all of that
  expect(blocked).toEqual([]);

  // the token lives in this tab only: a reload keeps the board signed in
  await page.reload();
  await page.locator('#connection', { hasText: 'live' }).waitFor();
  await page.locator('#sign-out').click();
  expect(await page.locator('#connection').textContent()).toBe('signed out');
  await page.close();
});

test('a drink sent back from the board is remade: the card returns to READY with a "remake 1" badge', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 700 } });
  page.on('dialog', (dialog) => void dialog.accept('asked for oat milk'));
  await page.goto(`${shop.url}/board`);
  await page.getByLabel('Staff token').fill(shop.tokens.barista);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#connection', { hasText: 'live' }).waitFor();
  const { orderId } = (await placeOrder(shop.url, order({ customer: 'Di' }))).body;
  const card = page.locator(`#order-${orderId}`);
  await page.locator(`section[data-column="READY"] #order-${orderId}`).waitFor({ timeout: 20_000 });
  await card.locator('button[data-action="reject"]').click();
  const remade = page.locator(`section[data-column="READY"] #order-${orderId} .badge.remake`);
  await remade.waitFor({ timeout: 20_000 });
  expect(await remade.textContent()).toBe('remake 1');
  expect(await card.locator('.batch').count()).toBeLessThanOrEqual(1);
  mkdirSync('test-output', { recursive: true });
  await page.screenshot({ path: 'test-output/board-remake.png', fullPage: true });
  const events = (await call(shop.url, 'GET', `/orders/${orderId}/events`, undefined, shop.staff)).body.events
    .map((event: { type: string }) => event.type)
    .filter((type: string) => type !== 'CustomerNotified');
  expect(events).toEqual(SAGA_PATHS.rejectedOnceThenPickedUp.events.slice(0, -2));
  await page.close();
});

test('after midnight in the shop, the board still shows a drink awaiting pickup; finished orders of yesterday leave', async () => {
  const waiting = (await placeOrder(shop.url, order({ customer: 'Ed' }))).body.orderId as string;
  const finished = (await placeOrder(shop.url, order({ customer: 'Fay' }))).body.orderId as string;
  await waitForStatus(shop.url, waiting, 'READY', 20_000, shop.staff);
  await waitForStatus(shop.url, finished, 'READY', 20_000, shop.staff);
  expect((await call(shop.url, 'POST', `/orders/${finished}/pickup`, {}, shop.staff)).status).toBe(200);
  await waitForStatus(shop.url, finished, 'COMPLETED', 20_000, shop.staff);

  // The same shop seen a day later: an injected clock, in the shop's time zone.
  const tomorrow = await shop.startAnotherApi({
    config: { shopTimeZone: 'America/New_York' },
    clock: () => new Date(Date.now() + 86_400_000),
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 700 } });
  // The board's screen lives in that day too.
  await page.clock.install({ time: new Date(Date.now() + 86_400_000) });
  await page.goto(`${tomorrow.url}/board`);
  await page.getByLabel('Staff token').fill(shop.tokens.barista);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#connection', { hasText: 'live' }).waitFor();
  await page.locator(`section[data-column="READY"] #order-${waiting}`).waitFor({ timeout: 10_000 });
  expect(await page.locator(`#order-${finished}`).count()).toBe(0);
  mkdirSync('test-output', { recursive: true });
  await page.screenshot({ path: 'test-output/board-next-day.png', fullPage: true });
  await page.close();

  // Today, the finished order is on the board too.
  const today = await browser.newPage({ viewport: { width: 1400, height: 700 } });
  await today.goto(`${shop.url}/board`);
  await today.getByLabel('Staff token').fill(shop.tokens.barista);
  await today.getByRole('button', { name: 'Sign in' }).click();
  await today.locator(`section[data-column="DONE"] #order-${finished}`).waitFor({ timeout: 10_000 });
  await today.close();
});
