import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cacheOrderReads } from '../../../api/adapters/orderCache';
import { cacheOrderTokens } from '../../../api/adapters/orderTokens';
import { createApp } from '../../../api/app';
import { createLogger } from '../../../api/logger';
import { apiConfig } from '../../../config/api';
import { authConfig } from '../../support/staffTokens';
import { createFakeShop } from './fakes';
import { json, placeOrder, RELAXED_LIMITS } from './harness';

// GET /orders/:id as the API process wires it: the token and order caches in front of the ports.
const shop = createFakeShop();
let lookups = 0;
const ports = {
  ...shop.ports,
  orderTokens: cacheOrderTokens(
    {
      orderOf(hash) {
        lookups += 1;
        return shop.ports.orderTokens.orderOf(hash);
      },
    },
    shop.ports.changes,
  ),
  queries: cacheOrderReads(shop.ports.queries, shop.ports.changes, { isLive: () => true }),
};
let url = '';
let close = () => {};

beforeAll(async () => {
  const logger = createLogger('info', new Writable({ write: (_chunk, _encoding, done) => done() }));
  const config = apiConfig({ ...RELAXED_LIMITS, ...(await authConfig()) });
  const server = createApp({ config, ports, logger }).app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

const read = (orderId: string, token: string) =>
  fetch(`${url}/orders/${orderId}`, { headers: { authorization: `Bearer ${token}` } });

test('a token verified once is not looked up again, and admits no other token nor another order', async () => {
  const a = await json(await placeOrder({ url } as never));
  const b = await json(await placeOrder({ url } as never));
  const before = lookups;
  for (let i = 0; i < 3; i += 1) expect((await read(a.orderId, a.orderToken)).status).toBe(200);
  expect(lookups).toBe(before + 1);

  // After cached successes: another order's token is still 404, an unknown one 401, each checked in full.
  expect((await read(a.orderId, b.orderToken)).status).toBe(404);
  const unknown = randomBytes(32).toString('base64url');
  expect((await read(a.orderId, unknown)).status).toBe(401);
  expect((await read(a.orderId, unknown)).status).toBe(401);
  expect((await read(b.orderId, a.orderToken)).status).toBe(404);
  // Looked up: B's token once, the unknown one each time (never remembered); A's stays remembered.
  expect(lookups).toBe(before + 4);
});

test("an order's change drops its cached token and view: the next read checks the token and shows the change", async () => {
  const a = await json(await placeOrder({ url } as never));
  expect(await json(await read(a.orderId, a.orderToken))).toMatchObject({ status: 'PLACED' });
  const before = lookups;
  shop.advance(a.orderId, 'PaymentAuthorized', 'PAID');
  const after = await read(a.orderId, a.orderToken);
  expect(await json(after)).toMatchObject({ status: 'PAID' });
  expect(after.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(lookups).toBe(before + 1);
});
