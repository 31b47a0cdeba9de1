import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SAGA_PATHS } from '../../simulators/sagaPaths';
import { bearer, call, order, placeOrder, waitForStatus } from './http';
import { type ShopSystem, startShop } from './system';

let shop: ShopSystem;
beforeAll(async () => {
  shop = await startShop('saga-paths');
});
afterAll(() => shop?.stop());

const place = async (body: unknown, headers: Record<string, string> = {}) => {
  const answer = await placeOrder(shop.url, body, headers);
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  return answer;
};
const eventTypes = async (orderId: string) =>
  (await call(shop.url, 'GET', `/orders/${orderId}/events`, undefined, shop.staff)).body.events.map(
    (e: { type: string }) => e.type,
  );

describe('every saga path, driven through HTTP', () => {
  test('happy path: placed, paid, brewed, ready, picked up, completed', async () => {
    const placed = await place(order({ customer: 'Ana' }, { quantity: 2 }));
    const { orderId, position } = placed.body;
    expect(placed.headers.get('location')).toBe(`/orders/${orderId}`);

    // read-your-writes: the order is there as soon as its projection reached OrderPlaced
    const fresh = await call(
      shop.url,
      'GET',
      `/orders/${orderId}?minPosition=${position}`,
      undefined,
      shop.staff,
    );
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ orderId, customer: 'Ana', total: { amount: 900, currency: 'USD' } });

    await waitForStatus(shop.url, orderId, 'READY', 20_000, shop.staff);
    // too late to cancel once the drink is ready, while the saga still waits for the customer
    const tooLate = await call(shop.url, 'POST', `/orders/${orderId}/cancel`, undefined, shop.staff);
    expect(tooLate.status).toBe(409);
    expect(tooLate.body).toMatchObject({ orderId, currentStatus: 'READY' });
    const picked = await call(shop.url, 'POST', `/orders/${orderId}/pickup`, undefined, shop.staff);
    expect(picked.status).toBe(200);
    await waitForStatus(shop.url, orderId, 'COMPLETED', 20_000, shop.staff);
    expect(await eventTypes(orderId)).toEqual(expect.arrayContaining([...SAGA_PATHS.happy.events]));
    // picking up twice is harmless
    expect((await call(shop.url, 'POST', `/orders/${orderId}/pickup`, undefined, shop.staff)).status).toBe(
      200,
    );
    // and after the saga has finished
    const late = await call(shop.url, 'POST', `/orders/${orderId}/cancel`, undefined, shop.staff);
    expect(late.status).toBe(409);
    expect(late.headers.get('content-type')).toMatch(/problem\+json/);

    const saga = await call(shop.url, 'GET', `/orders/${orderId}/saga`, undefined, shop.staff);
    expect(saga.status).toBe(200);
    expect(saga.body.links.webUi).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/order-${orderId}`);
  });

  test('a declined card rejects the order', async () => {
    const { orderId } = (await place(order({ payment: { token: SAGA_PATHS.declinedCard.token } }))).body;
    const rejected = await waitForStatus(shop.url, orderId, 'REJECTED', 20_000, shop.staff);
    expect(rejected.reason).toBeTruthy();
    expect(await eventTypes(orderId)).toEqual(expect.arrayContaining([...SAGA_PATHS.declinedCard.events]));
  });

  test('a flaky card is retried, held once and captured once', async () => {
    const { orderId } = (await place(order({ payment: { token: SAGA_PATHS.flakyCard.token } }))).body;
    await waitForStatus(shop.url, orderId, 'READY', 20_000, shop.staff);
    const types = await eventTypes(orderId);
    expect(types.filter((t: string) => t === 'PaymentAuthorized')).toHaveLength(1);
    expect(types.filter((t: string) => t === 'PaymentCaptured')).toHaveLength(1);
  });

  test('a jammed machine is retried and the drink still comes out', async () => {
    const { orderId } = (await place(order({}, SAGA_PATHS.machineJam.line))).body;
    await waitForStatus(shop.url, orderId, 'READY', 20_000, shop.staff);
  });

  test('a broken machine fails the order: the drink is written off and the hold voided', async () => {
    const { orderId } = (await place(order({}, SAGA_PATHS.machineBroken.line))).body;
    await waitForStatus(shop.url, orderId, 'FAILED', 20_000, shop.staff);
    const types = await eventTypes(orderId);
    expect(types).toEqual(expect.arrayContaining([...SAGA_PATHS.machineBroken.events]));
    expect(types).not.toContain('PaymentCaptured');
  });

  test('cancelling before the drink is ready voids the hold; picking up before it is ready is refused', async () => {
    const { orderId, orderToken } = (await place(order({ payment: { token: 'tok_slow' } }))).body;
    const early = await call(shop.url, 'POST', `/orders/${orderId}/pickup`, undefined, shop.staff);
    expect(early.status).toBe(409);
    // the customer cancels with the token their order came with
    const cancelled = await call(
      shop.url,
      'POST',
      `/orders/${orderId}/cancel`,
      { reason: 'changed my mind' },
      bearer(orderToken),
    );
    expect(cancelled.status).toBe(202);
    expect(cancelled.body.orderId).toBe(orderId);
    await waitForStatus(shop.url, orderId, 'CANCELLED', 20_000, shop.staff);
    expect(await eventTypes(orderId)).toEqual(
      expect.arrayContaining(['AuthorizationVoided', 'OrderCancelled']),
    );
  });

  test('a drink nobody picks up in time is written off: captured, without a refund', async () => {
    const hurried = await shop.startAnotherApi({ pickupWindowSeconds: 1 });
    const answer = await placeOrder(hurried.url, order({ customer: 'Gus' }));
    expect(answer.status).toBe(202);
    const { orderId } = answer.body;
    await waitForStatus(shop.url, orderId, 'ABANDONED', 20_000, shop.staff);
    const types = await eventTypes(orderId);
    expect(types).toEqual(expect.arrayContaining([...SAGA_PATHS.abandoned.events]));
    expect(types).not.toContain('PaymentRefunded');
  });

  test('unknown orders answer 404 problem details everywhere', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    for (const [method, path] of [
      ['GET', `/orders/${id}`],
      ['GET', `/orders/${id}/events`],
      ['GET', `/orders/${id}/saga`],
      ['GET', `/orders/${id}/stream`],
      ['GET', `/orders/${id}?asOf=5`],
      ['POST', `/orders/${id}/cancel`],
      ['POST', `/orders/${id}/pickup`],
    ] as const) {
      const answer = await call(shop.url, method, path, undefined, shop.staff);
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.headers.get('content-type'), `${method} ${path}`).toMatch(/problem\+json/);
    }
  });
});
