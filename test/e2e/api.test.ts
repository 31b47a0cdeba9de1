import { randomUUID } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { waitFor } from '../support/waitFor';
import { malformedOrders } from '../unit/api/malformedRequests';
import { bearer, call, type Json, order, placeOrder, readEvents, waitForStatus } from './http';
import { type ShopSystem, startShop } from './system';

let shop: ShopSystem;
beforeAll(async () => {
  shop = await startShop('api');
});
afterAll(() => shop?.stop());

const SECRET_TOKEN = 'tok_e2e_secret_4711';
const countRows = async (sql: string) => Number((await shop.db.pool.query(sql)).rows[0].count);

describe('idempotency through the real saga', () => {
  test('30 concurrent requests with one Idempotency-Key, over two API processes, create exactly one order', async () => {
    // Split over two APIs, as behind a load balancer: no in-process shortcut can hide a race.
    const second = await shop.startAnotherApi({});
    const body = order({ customer: 'Burst' });
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call(i % 2 ? second.url : shop.url, 'POST', '/orders', body, { 'idempotency-key': key }),
      ),
    );
    await second.stop();
    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(202));
    const ids = new Set(answers.map((a) => a.body.orderId));
    const positions = new Set(answers.map((a) => a.body.position));
    expect(ids.size).toBe(1);
    expect(positions.size).toBe(1);
    expect(new Set(answers.map((a) => a.body.orderToken)).size).toBe(1);
    const [orderId] = [...ids];
    const placedEvents = await countRows(
      `SELECT count(*) FROM events WHERE stream_id = 'order-${orderId}' AND type = 'OrderPlaced'`,
    );
    expect(placedEvents).toBe(1);
    await waitForStatus(shop.url, orderId, ['PLACED', 'PAID', 'BREWING', 'READY'], 20_000, shop.staff);
    const listed = await call(shop.url, 'GET', '/orders?customer=Burst&limit=100', undefined, shop.staff);
    expect(listed.body.orders.map((o: { orderId: string }) => o.orderId)).toEqual([orderId]);
  });

  test('the same key again answers the same order and token; with another body it is 422; no key is 400', async () => {
    const key = randomUUID();
    const first = await placeOrder(shop.url, order({ customer: 'Idem' }), {
      'idempotency-key': key,
    });
    const again = await placeOrder(shop.url, order({ customer: 'Idem' }), {
      'idempotency-key': key,
    });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    const other = await call(
      shop.url,
      'POST',
      '/orders',
      order({ customer: 'Idem', items: [{ drink: 'tea', size: 'small', quantity: 1 }] }),
      {
        'idempotency-key': key,
      },
    );
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toMatch(/problem\+json/);
    const a = await placeOrder(shop.url, order({ customer: 'Idem' }));
    const b = await placeOrder(shop.url, order({ customer: 'Idem' }));
    expect(new Set([first.body.orderId, a.body.orderId, b.body.orderId]).size).toBe(3);
    const unkeyed = await call(shop.url, 'POST', '/orders', order({ customer: 'Idem' }));
    expect(unkeyed.status).toBe(400);
    expect(unkeyed.body.detail).toContain('Idempotency-Key');
  });
});

describe('reads', () => {
  test('?minPosition= gives read-your-writes: the order is there right after the 202', async () => {
    const placed = await placeOrder(shop.url, order({ customer: 'Rya' }));
    const read = await call(
      shop.url,
      'GET',
      `/orders/${placed.body.orderId}?minPosition=${placed.body.position}`,
      undefined,
      bearer(placed.body.orderToken),
    );
    expect(read.status).toBe(200);
    expect(read.body.position).toBeGreaterThanOrEqual(placed.body.position);
    // 0 is always reached; a position past the head of the log waits for the head, never 503.
    for (const position of [0, 999_999_999_999]) {
      const at = await call(
        shop.url,
        'GET',
        `/orders/${placed.body.orderId}?minPosition=${position}`,
        undefined,
        bearer(placed.body.orderToken),
      );
      expect(at.status, String(position)).toBe(200);
    }
  });

  test('?asOf= folds the log up to a position or an instant; /events is the audit trail', async () => {
    const { orderId } = (await placeOrder(shop.url, order({ customer: 'Tim' }))).body;
    await waitForStatus(shop.url, orderId, 'READY', 20_000, shop.staff);
    expect((await call(shop.url, 'POST', `/orders/${orderId}/pickup`, undefined, shop.staff)).status).toBe(
      200,
    );
    await waitForStatus(shop.url, orderId, 'COMPLETED', 20_000, shop.staff);
    const { events } = (await call(shop.url, 'GET', `/orders/${orderId}/events`, undefined, shop.staff)).body;
    const placed = events[0];
    expect(placed.type).toBe('OrderPlaced');
    expect(placed.data.paymentTokenLast4).toBe('4242');

    const atPlacement = await call(
      shop.url,
      'GET',
      `/orders/${orderId}?asOf=${placed.position}`,
      undefined,
      shop.staff,
    );
    expect(atPlacement.body).toMatchObject({ orderId, status: 'PLACED', position: placed.position });
    const ready = events.find((e: { type: string }) => e.type === 'OrderReady');
    const atReady = await call(
      shop.url,
      'GET',
      `/orders/${orderId}?asOf=${encodeURIComponent(ready.recordedAt)}`,
      undefined,
      shop.staff,
    );
    expect(atReady.body.status).toBe('READY');
    const now = await call(
      shop.url,
      'GET',
      `/orders/${orderId}?asOf=${events.at(-1).position}`,
      undefined,
      shop.staff,
    );
    expect(now.body.status).toBe('COMPLETED');
    // One shape: the read model and the fold of the log answer the same order, field for field.
    const read = await call(
      shop.url,
      'GET',
      `/orders/${orderId}?minPosition=${events.at(-1).position}`,
      undefined,
      shop.staff,
    );
    const folded = await call(
      shop.url,
      'GET',
      `/orders/${orderId}?asOf=${read.body.position}`,
      undefined,
      shop.staff,
    );
    expect(folded.body).toStrictEqual({ ...read.body, asOf: String(read.body.position) });
    const beforeAnything = await call(
      shop.url,
      'GET',
      `/orders/${orderId}?asOf=2000-01-01T00:00:00Z`,
      undefined,
      shop.staff,
    );
    expect(beforeAnything.status).toBe(404);
  });

  test('GET /orders pages through every order with a cursor, newest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1)
      ids.push((await placeOrder(shop.url, order({ customer: 'Pagina' }))).body.orderId);
    await Promise.all(
      ids.map((id) =>
        waitForStatus(shop.url, id, ['PLACED', 'PAID', 'BREWING', 'READY'], 20_000, shop.staff),
      ),
    );
    const seen: string[] = [];
    let next: string | undefined = '/orders?customer=Pagina&limit=2';
    while (next) {
      const page = await call(shop.url, 'GET', next, undefined, shop.staff);
      expect(page.status).toBe(200);
      expect(page.body.orders.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.orders.map((o: { orderId: string }) => o.orderId));
      next = page.body.links.next;
    }
    expect(seen).toEqual([...ids].reverse());
    const bad = await call(shop.url, 'GET', '/orders?cursor=not-a-cursor', undefined, shop.staff);
    expect(bad.status).toBe(400);
  });

  test('barista queue and daily sales answer their read models', async () => {
    const queue = await call(shop.url, 'GET', '/barista/queue', undefined, shop.staff);
    expect(queue.status).toBe(200);
    expect(queue.body).toHaveProperty('toBrew');
    const sales = await call(shop.url, 'GET', '/stats/sales', undefined, shop.staff);
    expect(sales.status).toBe(200);
    expect(sales.body.revenue.currency).toBe('USD');
    expect((await call(shop.url, 'GET', '/readyz')).status).toBe(200);
  });
});

describe('the order stream', () => {
  test('SSE: ids are log positions, and a reconnect with Last-Event-ID misses nothing', async () => {
    const { orderId } = (
      await placeOrder(shop.url, order({ customer: 'Sam', payment: { token: 'tok_slow' } }))
    ).body;
    const url = `${shop.url}/orders/${orderId}/stream`;
    const first = await readEvents(url, (events) => events.length >= 1, { headers: shop.staff });
    expect(first.events[0]).toMatchObject({
      event: 'change',
      data: { type: 'OrderPlaced', status: 'PLACED' },
    });
    const lastSeen = first.events.at(-1)!.id!;

    // while disconnected, the order moves on
    await waitForStatus(shop.url, orderId, 'READY', 20_000, shop.staff);
    await call(shop.url, 'POST', `/orders/${orderId}/pickup`, undefined, shop.staff);
    await waitForStatus(shop.url, orderId, 'COMPLETED', 20_000, shop.staff);

    const resumed = await readEvents(url, (events) => events.some((e) => e.data.type === 'OrderCompleted'), {
      headers: shop.staff,
      lastEventId: lastSeen,
    });
    const { events } = (await call(shop.url, 'GET', `/orders/${orderId}/events`, undefined, shop.staff)).body;
    const expected = events.filter((e: { position: number }) => e.position > Number(lastSeen));
    expect(resumed.events.map((e) => Number(e.id))).toEqual(
      expected.map((e: { position: number }) => e.position),
    );
    expect(resumed.events.map((e) => e.data.type)).toEqual(expected.map((e: { type: string }) => e.type));
    expect(resumed.events.at(-1)!.data.status).toBe('COMPLETED');
  });

  test('SSE sends heartbeat comments while nothing happens', async () => {
    const { orderId, orderToken } = (await placeOrder(shop.url, order({ customer: 'Hal' }))).body;
    // as a browser's EventSource follows it: the order's token in the query string
    const stream = await readEvents(
      `${shop.url}/orders/${orderId}/stream?access_token=${orderToken}`,
      () => false,
      {
        timeoutMs: 1_600,
      },
    );
    expect(stream.status).toBe(200);
    expect(stream.comments).toContain('heartbeat');
  });
});

describe('bad input through the real system', () => {
  test.each(malformedOrders)('$name → $status, and nothing is created', async (bad) => {
    // Orders placed by earlier tests may still be moving on (holds, brews, captures): count new orders only.
    const placed = `SELECT count(*) FROM events WHERE type = 'OrderPlaced'`;
    const before = await countRows(placed);
    const keysBefore = await countRows('SELECT count(*) FROM idempotency_keys');
    const response = await fetch(`${shop.url}/orders`, {
      method: 'POST',
      headers: {
        'content-type': bad.contentType ?? 'application/json',
        'idempotency-key': randomUUID(),
        ...bad.headers,
      },
      body: typeof bad.body === 'string' ? bad.body : JSON.stringify(bad.body),
    });
    expect(response.status).toBe(bad.status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await countRows(placed)).toBe(before);
    expect(await countRows('SELECT count(*) FROM idempotency_keys')).toBe(keysBefore);
  });
});

test('neither the logs nor the database ever hold the full payment token or the order token', async () => {
  const { orderId, orderToken } = (
    await placeOrder(shop.url, order({ customer: 'Priv', payment: { token: SECRET_TOKEN } }), {
      'idempotency-key': randomUUID(),
    })
  ).body;
  await waitForStatus(shop.url, orderId, 'READY', 20_000, shop.staff);
  await call(shop.url, 'POST', `/orders/${orderId}/pickup`, undefined, shop.staff);
  await waitForStatus(shop.url, orderId, 'COMPLETED', 20_000, shop.staff);
  // the customer follows the order with its token in the URL, as EventSource does
  await readEvents(`${shop.url}/orders/${orderId}/stream?access_token=${orderToken}`, (e) => e.length > 0);
  const { rows: tables } = await shop.db.pool.query<{ name: string }>(
    `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
     WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'`,
  );
  expect(tables.length).toBeGreaterThan(3);
  for (const { name } of tables) {
    const { rows } = await shop.db.pool.query(
      `SELECT coalesce(string_agg(t::text, E'\\n'), '') AS dump FROM ${name} t`,
    );
    expect(rows[0].dump, name).not.toContain(SECRET_TOKEN);
    expect(rows[0].dump, name).not.toContain(orderToken);
  }
  const logs = shop.logs();
  expect(logs).toContain(orderId);
  expect(logs).not.toContain(SECRET_TOKEN);
  // neither the order token (it travelled in `?access_token=`) nor a staff token
  expect(logs).not.toContain(orderToken);
  expect(logs).not.toContain(shop.tokens.manager);
  // the last four are kept, for the customer's receipt
  const { events } = (await call(shop.url, 'GET', `/orders/${orderId}/events`, undefined, shop.staff)).body;
  expect(events[0].data.paymentTokenLast4).toBe('4711');
});

describe('the OpenAPI document is the truth', () => {
  test('every documented route answers as documented (status, media type, body schema)', async () => {
    const document = (await call(shop.url, 'GET', '/openapi.json')).body;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const toDefs = (schema: unknown) =>
      JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/', '#/$defs/'));
    const defs = toDefs(document.components.schemas);

    const { orderId } = (await placeOrder(shop.url, order({ customer: 'Walker' }))).body;
    await waitForStatus(shop.url, orderId, 'READY', 20_000, shop.staff);
    const requests: Record<string, { body?: unknown }> = {
      'POST /orders': { body: order({ customer: 'Walker' }) },
      'POST /orders/{id}/cancel': { body: { reason: 'walking the API' } },
    };
    let walked = 0;
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
      for (const [method, operation] of Object.entries(item)) {
        const key = `${method.toUpperCase()} ${path}`;
        const url = `${shop.url}${path.replace('{id}', orderId)}`;
        const init = requests[key];
        const controller = new AbortController();
        const response = await fetch(url, {
          method: method.toUpperCase(),
          signal: controller.signal,
          // A manager may call every route; POST /orders needs its Idempotency-Key.
          headers: {
            ...shop.staff,
            ...(init?.body ? { 'content-type': 'application/json', 'idempotency-key': randomUUID() } : {}),
          },
          ...(init?.body ? { body: JSON.stringify(init.body) } : {}),
        });
        const documented = operation.responses[String(response.status)];
        expect(documented, `${key} answered ${response.status}, not documented`).toBeDefined();
        const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
        const content = documented.content ?? {};
        const declared = Object.keys(content).find((type) => type === mediaType);
        expect(declared, `${key} answered ${mediaType}, documented ${Object.keys(content)}`).toBeDefined();
        if (mediaType === 'text/event-stream') {
          controller.abort();
        } else if (mediaType.endsWith('json')) {
          const body = await response.json();
          const validate = ajv.compile({ ...toDefs(content[mediaType].schema), $defs: defs });
          expect(validate(body) ? [] : validate.errors, `${key} body`).toEqual([]);
        } else {
          await response.text();
        }
        walked += 1;
      }
    }
    // Every documented operation was called and checked (the document grows with the API).
    expect(walked).toBe(Object.values(document.paths as Record<string, Json>).flatMap(Object.keys).length);
    expect(walked).toBeGreaterThanOrEqual(22);
  });
});

describe('operations', () => {
  test('readyz answers 503 while Postgres or Temporal is unreachable; healthz stays 200; commands 503', async () => {
    const noPostgres = await shop.startAnotherApi({
      config: { databaseUrl: 'postgres://postgres:postgres@127.0.0.1:9/postgres' },
    });
    const noTemporal = await shop.startAnotherApi({ config: { temporalAddress: '127.0.0.1:9' } });
    try {
      for (const [api, failing] of [
        [noPostgres, 'postgres'],
        [noTemporal, 'temporal'],
      ] as const) {
        expect((await call(api.url, 'GET', '/healthz')).status).toBe(200);
        const ready = await call(api.url, 'GET', '/readyz');
        expect(ready.status).toBe(503);
        // status only to the world; which check failed is in the log
        expect(ready.body).toEqual({ status: 'not_ready' });
        const notReady = () =>
          shop
            .logs()
            .split('\n')
            .filter((line) => line.includes('"msg":"not ready"'))
            .map((line) => JSON.parse(line));
        // the log file is written asynchronously
        await expect.poll(() => notReady().some((line) => line[failing])).toBe(true);
      }
      const started = Date.now();
      const order503 = await placeOrder(noPostgres.url, order(), { 'idempotency-key': randomUUID() });
      expect(order503.status).toBe(503);
      expect((await call(noPostgres.url, 'GET', '/orders/x', undefined, shop.staff)).status).toBe(503);
      expect(Date.now() - started).toBeLessThan(10_000);
      // the client retries for a while (its own backoff) before giving up: then 503, not 500
      const noSaga = await placeOrder(noTemporal.url, order());
      expect(noSaga.status).toBe(503);
      expect(noSaga.body.title).toBe('Temporal is unavailable');
    } finally {
      await noPostgres.stop();
      await noTemporal.stop();
    }
  });

  test('shutdown ends open event streams and stops promptly', async () => {
    const { orderId } = (await placeOrder(shop.url, order({ customer: 'Sid' }))).body;
    const doomed = await shop.startAnotherApi({});
    let streaming = false;
    const reading = readEvents(
      `${doomed.url}/orders/${orderId}/stream`,
      (events) => {
        streaming = events.length > 0;
        return false;
      },
      { timeoutMs: 15_000, headers: shop.staff },
    );
    await waitFor(() => streaming, { what: 'the stream to deliver its first event' });
    const started = Date.now();
    await doomed.stop();
    const { events } = await reading;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(events.length).toBeGreaterThan(0);
  });
});
