import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { malformedOrders } from '../unit/api/malformedRequests';
import { call, order, placeOrder } from './http';
import { type ShopSystem, startShop } from './system';

// The API's edge under random abuse, over raw TCP so nothing is sanitised on the way: malformed
// bodies, lying Content-Length, odd content types, Idempotency-Keys, methods and paths. Never a
// 5xx, never an order, and the process (this one: the API runs in-process) stays up.

let shop: ShopSystem;
let port: number;
beforeAll(async () => {
  shop = await startShop('fuzz');
  port = Number(new URL(shop.url).port);
});
afterAll(() => shop?.stop());

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const valid = () => order({ customer: 'Fuzz' });
const printable = fc.string({ unit: 'grapheme-ascii', maxLength: 40 });
const noLineBreaks = (text: string) => text.replace(/[\r\n]/g, '');

/** Bodies that must never become an order, whatever the headers say. */
const invalidBody = fc.oneof(
  fc.constantFrom(
    ...malformedOrders.map((c) => (typeof c.body === 'string' ? c.body : JSON.stringify(c.body))),
  ),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  // a valid order with one field broken
  fc
    .record({
      field: fc.constantFrom('customer', 'items', 'payment', 'drink', 'size', 'quantity', 'token', 'extra'),
      value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(0, 11, 1.5, -1, '', '1', null, [], {})),
    })
    .map(({ field, value }) => {
      const body = valid();
      const line = body.items[0];
      if (field === 'customer') body.customer = typeof value === 'string' && value.trim() ? 42 : value;
      else if (field === 'items') body.items = Array.isArray(value) ? [] : value;
      else if (field === 'payment') body.payment = value === null || typeof value !== 'object' ? value : {};
      else if (field === 'drink') line.drink = `${String(value)}-not-on-the-menu`;
      else if (field === 'size') line.size = `${String(value)}-ish`;
      else if (field === 'quantity')
        line.quantity =
          typeof value === 'number' && value >= 1 && value <= 10 && Number.isInteger(value) ? 0 : value;
      else if (field === 'token') body.payment = { token: `card-${String(value)}` };
      else body.discountCode = value;
      return JSON.stringify(body);
    }),
  // a valid order cut short
  fc.nat().map((n) => {
    const text = JSON.stringify(valid());
    return text.slice(0, n % text.length);
  }),
);

/** A valid order is fine to send only when the headers make it unreadable. */
const unreadableValidOrder = fc.record({
  body: fc.constant(JSON.stringify(valid())),
  contentType: fc.constantFrom(
    undefined,
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=zz',
    'application/xml',
    'application/json; charset=utf-16',
  ),
  lengthLie: fc.constantFrom('fine', 'short', 'long', 'garbage'),
});

const anyContentType = fc.oneof(
  fc.constantFrom(
    undefined,
    'application/json',
    'application/json; charset=utf-8',
    'application/problem+json',
    'application/vnd.brew+json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/json; charset=latin-1',
    '',
  ),
  printable,
);

const request = fc.record({
  method: fc.constantFrom(
    'GET',
    'POST',
    'POST',
    'POST',
    'PUT',
    'PATCH',
    'DELETE',
    'OPTIONS',
    'HEAD',
    'TRACE',
    'BREW',
  ),
  path: fc.oneof(
    fc.constantFrom(
      '/orders',
      `/orders/${UNKNOWN_ID}`,
      `/orders/${UNKNOWN_ID}/cancel`,
      `/orders/${UNKNOWN_ID}/pickup`,
      `/orders/${UNKNOWN_ID}/events`,
      `/orders/${UNKNOWN_ID}/saga`,
      '/menu',
      '/barista/queue',
      '/stats/sales',
      '/orders?limit=-1',
      '/orders?cursor=%00',
      `/orders/${UNKNOWN_ID}?asOf=yesterday`,
      `/orders/${UNKNOWN_ID}?minPosition=-5`,
      '/orders/%E0%A4%A',
      '/orders/../../etc/passwd',
      `/${'x'.repeat(5_000)}`,
    ),
    fc
      .tuple(fc.constantFrom('/orders', '/orders/', '/', '/menu'), fc.webPath(), fc.webQueryParameters())
      .map(([base, path, query]) => `${base}${path}${query ? `?${query}` : ''}`),
    printable.map((text) => `/orders/${encodeURIComponent(text)}`),
  ),
  payload: fc.oneof(
    fc.record({
      body: invalidBody,
      contentType: anyContentType,
      lengthLie: fc.constantFrom('fine', 'fine', 'short', 'long', 'garbage', 'none'),
    }),
    unreadableValidOrder,
  ),
  idempotencyKey: fc.option(
    fc.oneof(printable, fc.string({ maxLength: 300 }), fc.constant('k'.repeat(20_000))),
    {
      nil: undefined,
    },
  ),
  extraHeader: fc.option(
    fc.constantFrom(
      'Transfer-Encoding: chunked',
      'Content-Length: 3',
      'Expect: 100-continue',
      'Content-Encoding: gzip',
    ),
    { nil: undefined },
  ),
});

type FuzzRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

/** Sends the request byte for byte and collects every status line the server answers with. */
function send(spec: FuzzRequest): Promise<{ statuses: number[]; raw: string }> {
  const body = Buffer.from(spec.payload.body, 'utf8');
  const lines = [`${spec.method} ${spec.path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close'];
  if (spec.payload.contentType !== undefined)
    lines.push(`Content-Type: ${noLineBreaks(spec.payload.contentType)}`);
  const lengths = {
    fine: body.length,
    short: Math.floor(body.length / 2),
    long: body.length + 50,
    garbage: 'ten',
  };
  if (spec.payload.lengthLie !== 'none')
    lines.push(`Content-Length: ${lengths[spec.payload.lengthLie as keyof typeof lengths]}`);
  if (spec.idempotencyKey !== undefined) lines.push(`Idempotency-Key: ${noLineBreaks(spec.idempotencyKey)}`);
  if (spec.extraHeader) lines.push(spec.extraHeader);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const raw = Buffer.concat(chunks).toString('latin1');
      const statuses = [...raw.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((match) => Number(match[1]));
      resolve({ statuses, raw: raw.slice(0, 400) });
    };
    const timer = setTimeout(done, 1_500);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', done);
    socket.on('error', done);
    socket.on('connect', () => socket.end(Buffer.concat([head, body])));
  });
}

const countRows = async () => {
  const { rows } = await shop.db.pool.query<{ events: string; orders: string; keys: string }>(
    `SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM order_summary) AS orders,
            (SELECT count(*) FROM idempotency_keys) AS keys`,
  );
  return rows[0];
};

test('random abuse at the edge: never a 5xx, never an order, the API stays up', {
  timeout: 170_000,
}, async () => {
  const before = await countRows();
  let answered = 0;
  await fc.assert(
    fc.asyncProperty(request, async (spec) => {
      const { statuses, raw } = await send(spec);
      answered += statuses.length > 0 ? 1 : 0;
      for (const status of statuses)
        expect(status, `${spec.method} ${spec.path.slice(0, 80)}\n${raw}`).toBeLessThan(500);
    }),
    { numRuns: 1_000, seed: Number(process.env.FUZZ_SEED ?? 20_261_125) },
  );
  // Every answer was refused or read-only: nothing was written.
  expect(await countRows()).toEqual(before);
  expect(answered).toBeGreaterThan(800);
  // And the API is alive and well: it still takes a real order.
  expect((await call(shop.url, 'GET', '/healthz')).status).toBe(200);
  const placed = await placeOrder(shop.url, valid());
  expect(placed.status).toBe(202);
});
