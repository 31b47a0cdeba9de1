import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Answer, bearer, call, order, placeOrder, waitForStatus } from './http';
import { type ShopSystem, startShop } from './system';

// Who may do what, through HTTP only: every route × every kind of caller → the documented status,
// and a refused command writes nothing. The table is printed, as the README shows it.

let shop: ShopSystem;
beforeAll(async () => {
  shop = await startShop('permissions');
});
afterAll(() => shop?.stop());

const CALLERS = ['none', 'own token', 'other token', 'barista', 'manager', 'expired', 'garbage'] as const;
type CallerKind = (typeof CALLERS)[number];

interface Placed {
  orderId: string;
  orderToken: string;
}

const all = (status: number) =>
  Object.fromEntries(CALLERS.map((caller) => [caller, status])) as Record<CallerKind, number>;
const expect7 = (...statuses: number[]) =>
  Object.fromEntries(CALLERS.map((caller, i) => [caller, statuses[i]!])) as Record<CallerKind, number>;

const place = async (body = order({ customer: 'Perm' })): Promise<Placed> => {
  const answer = await placeOrder(shop.url, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  return answer.body;
};
const eventsOf = async (orderId: string, type: string) =>
  Number(
    (
      await shop.db.pool.query('SELECT count(*) FROM events WHERE stream_id = $1 AND type = $2', [
        `order-${orderId}`,
        type,
      ])
    ).rows[0].count,
  );

/** The status of a request; a stream is read up to its headers, then dropped. */
async function statusOf(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  if (path.includes('/stream')) {
    const controller = new AbortController();
    const response = await fetch(`${shop.url}${path}`, { headers, signal: controller.signal });
    controller.abort();
    return response.status;
  }
  const answer: Answer = await call(shop.url, method, path, body, headers);
  if (answer.status === 401) expect(answer.headers.get('www-authenticate'), path).toMatch(/^Bearer realm=/);
  if (answer.status >= 400) expect(answer.headers.get('content-type'), path).toMatch(/problem\+json/);
  return answer.status;
}

test('every route × every caller answers as documented; a refused command writes nothing', async () => {
  const mine = await place();
  const theirs = await place(order({ customer: 'Other' }));
  await waitForStatus(shop.url, mine.orderId, 'READY', 20_000, shop.staff);
  const placedAt = (await call(shop.url, 'GET', `/orders/${mine.orderId}/events`, undefined, shop.staff)).body
    .events[0].position;

  const credentials = (subject: Placed): Record<CallerKind, string | undefined> => ({
    none: undefined,
    'own token': subject.orderToken,
    'other token': theirs.orderToken,
    barista: shop.tokens.barista,
    manager: shop.tokens.manager,
    expired: shop.tokens.expired,
    // shaped like an order token, known to nobody
    garbage: randomBytes(32).toString('base64url'),
  });
  const auth = (credential: string | undefined) => (credential ? bearer(credential) : {});
  const withQuery = (path: string, credential: string | undefined) =>
    credential
      ? `${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(credential)}`
      : path;
  const get =
    (path: (orderId: string) => string) =>
    (credential: string | undefined, viaQuery: boolean, subject: Placed = mine) =>
      statusOf(
        'GET',
        viaQuery ? withQuery(path(subject.orderId), credential) : path(subject.orderId),
        viaQuery ? {} : auth(credential),
      );
  const post =
    (path: (orderId: string) => string, body?: unknown) =>
    (credential: string | undefined, _viaQuery: boolean, subject: Placed = mine) =>
      statusOf('POST', path(subject.orderId), auth(credential), body);
  const del =
    (path: (orderId: string) => string) =>
    (credential: string | undefined, _viaQuery: boolean, subject: Placed = mine) =>
      statusOf('DELETE', path(subject.orderId), auth(credential));

  const orderRead = expect7(401, 200, 404, 200, 200, 401, 401);
  const staffRead = expect7(401, 403, 403, 200, 200, 401, 401);
  const managerRead = expect7(401, 403, 403, 403, 200, 401, 401);
  type Call = (credential: string | undefined, viaQuery: boolean, subject?: Placed) => Promise<number>;
  const rows: {
    route: string;
    /** The documented answer per caller. */
    expected: Record<CallerKind, number>;
    call: Call;
    viaQuery?: boolean;
    /** A command: each allowed caller gets a fresh order (an allowed command changes its order). */
    freshOrder?: () => Promise<Placed>;
    /** A command: what the refused calls must not have written. */
    forbiddenEvent?: string;
  }[] = [
    { route: 'GET /menu', expected: all(200), call: get(() => '/menu') },
    { route: 'GET /healthz', expected: all(200), call: get(() => '/healthz') },
    { route: 'GET /readyz', expected: all(200), call: get(() => '/readyz') },
    { route: 'GET /openapi.json', expected: all(200), call: get(() => '/openapi.json') },
    { route: 'GET / (customer page)', expected: all(200), call: get(() => '/') },
    { route: 'GET /board (page)', expected: all(200), call: get(() => '/board') },
    { route: 'GET /shop/config', expected: all(200), call: get(() => '/shop/config') },
    {
      route: 'POST /orders',
      expected: all(202),
      call: async (credential) =>
        (await placeOrder(shop.url, order({ customer: 'Perm' }), auth(credential))).status,
    },
    { route: 'GET /orders', expected: staffRead, call: get(() => '/orders') },
    { route: 'GET /orders/:id', expected: orderRead, call: get((id) => `/orders/${id}`) },
    {
      route: 'GET /orders/:id?asOf=',
      expected: orderRead,
      call: get((id) => `/orders/${id}?asOf=${placedAt}`),
    },
    {
      route: 'GET /orders/:id?minPosition=',
      expected: orderRead,
      call: get((id) => `/orders/${id}?minPosition=${placedAt}`),
    },
    { route: 'GET /orders/:id/events', expected: orderRead, call: get((id) => `/orders/${id}/events`) },
    { route: 'GET /orders/:id/saga', expected: orderRead, call: get((id) => `/orders/${id}/saga`) },
    { route: 'GET /orders/:id/stream', expected: orderRead, call: get((id) => `/orders/${id}/stream`) },
    {
      route: 'GET /orders/:id/stream?access_token=',
      expected: orderRead,
      viaQuery: true,
      call: get((id) => `/orders/${id}/stream`),
    },
    { route: 'GET /orders/stream', expected: staffRead, call: get(() => '/orders/stream') },
    {
      route: 'GET /orders/stream?access_token=',
      expected: staffRead,
      viaQuery: true,
      call: get(() => '/orders/stream'),
    },
    { route: 'GET /barista/queue', expected: staffRead, call: get(() => '/barista/queue') },
    { route: 'GET /stats/sales', expected: managerRead, call: get(() => '/stats/sales') },
    { route: 'GET /metrics', expected: managerRead, call: get(() => '/metrics') },
    // decoded payloads are for operators (a caller on this machine needs none only under `npm start`)
    {
      route: 'POST /codec/decode',
      expected: managerRead,
      call: post(() => '/codec/decode', { payloads: [] }),
    },
    {
      route: 'DELETE /orders/:id/personal-data',
      // "forget me" by the customer, or by a manager on request; not by the barista at the counter
      expected: expect7(401, 200, 404, 403, 200, 401, 401),
      freshOrder: () => place(),
      forbiddenEvent: 'OrderDataErased',
      call: del((id) => `/orders/${id}/personal-data`),
    },
    {
      route: 'POST /orders/:id/cancel',
      expected: expect7(401, 202, 404, 202, 202, 401, 401),
      // a slow card keeps the order cancellable while the row is walked
      freshOrder: () => place(order({ customer: 'Perm', payment: { token: 'tok_slow' } })),
      forbiddenEvent: 'OrderCancelled',
      call: post((id) => `/orders/${id}/cancel`, { reason: 'permission table' }),
    },
    {
      route: 'POST /orders/:id/pickup',
      expected: expect7(401, 403, 403, 200, 200, 401, 401),
      freshOrder: async () => {
        const placed = await place();
        await waitForStatus(shop.url, placed.orderId, 'READY', 20_000, shop.staff);
        return placed;
      },
      forbiddenEvent: 'OrderPickedUp',
      call: post((id) => `/orders/${id}/pickup`),
    },
    {
      route: 'POST /orders/:id/reject',
      // the customer sends their own drink back; so may the barista at the counter
      expected: expect7(401, 202, 404, 202, 202, 401, 401),
      freshOrder: async () => {
        const placed = await place();
        await waitForStatus(shop.url, placed.orderId, 'READY', 20_000, shop.staff);
        return placed;
      },
      forbiddenEvent: 'DrinkRejected',
      call: post((id) => `/orders/${id}/reject`, { reason: 'permission table' }),
    },
  ];

  const table: string[] = [
    `| route | ${CALLERS.join(' | ')} |`,
    `|---|${CALLERS.map(() => '---').join('|')}|`,
  ];
  const mismatches: string[] = [];
  for (const row of rows) {
    const cells: string[] = [];
    // A refused command is tried on one order, which must stay untouched; each allowed one gets its own.
    const refusedOn = row.freshOrder ? await row.freshOrder() : mine;
    for (const caller of CALLERS) {
      const allowed = row.expected[caller] < 400;
      const subject = row.freshOrder && allowed ? await row.freshOrder() : refusedOn;
      const status = await row.call(credentials(subject)[caller], row.viaQuery ?? false, subject);
      cells.push(
        status === row.expected[caller] ? String(status) : `**${status}** (want ${row.expected[caller]})`,
      );
      if (status !== row.expected[caller]) mismatches.push(`${row.route} as ${caller}: ${status}`);
    }
    if (row.forbiddenEvent) {
      expect(
        await eventsOf(refusedOn.orderId, row.forbiddenEvent),
        `${row.route}: refused, yet written`,
      ).toBe(0);
    }
    table.push(`| ${row.route} | ${cells.join(' | ')} |`);
  }
  console.log(`\nPermission table (status per caller)\n${table.join('\n')}\n`);
  expect(mismatches).toEqual([]);

  // Public routes stay public: placing an order with any credential (even a bad one) is a 202.
  const withGarbage = await placeOrder(shop.url, order(), bearer('garbage'));
  expect(withGarbage.status).toBe(202);
  // A staff token without a role this API knows is a valid credential without the right.
  expect(await statusOf('GET', '/orders', bearer(shop.tokens.noRole))).toBe(403);
  // Nor is a malformed Authorization header a way around: 401.
  expect(
    await statusOf('GET', `/orders/${mine.orderId}`, { authorization: `Basic ${mine.orderToken}` }),
  ).toBe(401);
});
