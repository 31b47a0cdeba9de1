import { randomUUID } from 'node:crypto';
import { afterEach, expect, test } from 'vitest';
import { type Pressure, retryAfterSeconds } from '../../../api/admission';
import { DependencyUnavailable } from '../../../api/errors';
import type { OrderCommands } from '../../../api/ports';
import { startTestApi, type TestApi, validOrder } from './harness';

const calm: Pressure = {
  inFlight: 0,
  maxInFlight: 4,
  latencyMs: 200,
  failingForMs: 0,
  maxRetryAfterSeconds: 30,
};

test('Retry-After grows with the placements ahead and with the length of an outage, within 1..max seconds', () => {
  expect(retryAfterSeconds(calm)).toBe(1);
  expect(retryAfterSeconds({ ...calm, inFlight: 4, latencyMs: 6_000 })).toBe(6);
  expect(retryAfterSeconds({ ...calm, failingForMs: 20_000 })).toBe(5);
  expect(retryAfterSeconds({ ...calm, failingForMs: 60_000 })).toBeGreaterThan(
    retryAfterSeconds({ ...calm, failingForMs: 20_000 }),
  );
  expect(retryAfterSeconds({ ...calm, failingForMs: 3_600_000 })).toBe(30);
  expect(retryAfterSeconds({ ...calm, inFlight: 4, latencyMs: 600_000, maxRetryAfterSeconds: 10 })).toBe(10);
});

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const post = (url: string, key = randomUUID()) =>
  fetch(`${url}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(validOrder()),
  });

/** Replaces the saga's placeOrder: each call waits until `release` is called. */
function holdPlacements(commands: OrderCommands) {
  const real = commands.placeOrder.bind(commands);
  const held: Array<() => void> = [];
  commands.placeOrder = (order, correlationId) =>
    new Promise<void>((resolve) => held.push(resolve)).then(() => real(order, correlationId));
  const release = () => {
    for (const go of held.splice(0)) go();
  };
  return { held, release };
}

test('beyond the bound, POST /orders is refused at once with 503 problem+json and Retry-After; within it, placed', async () => {
  api = await startTestApi({ admission: { maxInFlight: 2, maxRetryAfterSeconds: 30 } });
  const gate = holdPlacements(api.shop.ports.commands);
  const waiting = [post(api.url), post(api.url)];
  await expect.poll(() => gate.held.length).toBe(2);
  const started = Date.now();
  const refused = await post(api.url);
  expect(Date.now() - started).toBeLessThan(2_000);
  expect(refused.status).toBe(503);
  expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(await refused.json()).toMatchObject({ type: 'urn:brew-saga:problem:placements-busy', status: 503 });
  const metrics = await (await fetch(`${api.url}/metrics`, { headers: api.staff })).text();
  expect(metrics).toMatch(/brew_orders_total\{outcome="busy"\} 1/);
  gate.release();
  for (const answer of await Promise.all(waiting)) expect(answer.status).toBe(202);
  // Room again: the next one goes through.
  const later = post(api.url);
  await expect.poll(() => gate.held.length).toBe(1);
  gate.release();
  expect((await later).status).toBe(202);
});

test('the longer placements keep failing with 503, the longer the Retry-After they ask for', async () => {
  api = await startTestApi({ admission: { maxInFlight: 8, maxRetryAfterSeconds: 30 } });
  const { commands } = api.shop.ports;
  const real = commands.placeOrder.bind(commands);
  let down = true;
  commands.placeOrder = async (order, correlationId) => {
    if (down) throw new DependencyUnavailable('Postgres', 'Postgres is unreachable');
    return real(order, correlationId);
  };
  const retryAfter = async () => {
    const answer = await post(api!.url);
    expect(answer.status).toBe(503);
    return Number(answer.headers.get('retry-after'));
  };
  const first = await retryAfter();
  // The admission's clock is the wall clock: a few seconds of outage ask for a longer wait.
  await expect.poll(async () => (await retryAfter()) > first, { timeout: 15_000, interval: 500 }).toBe(true);
  down = false;
  expect((await post(api.url)).status).toBe(202);
  down = true;
  expect(await retryAfter()).toBe(1);
});
