import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHttpProvider, listDeadLetters, replayDeadLetters, vaultNames } from '../../notifications';
import { createVault } from '../../vault';
import { workerLogs } from '../support/quietTemporal';
import { TEST_VAULT_KEYS } from '../support/secrets';
import { call as callAs, type Json, order, readEvents, waitForStatus as waitAs } from './http';
import { everyTable, rawHistory, startNotifierFor, uniqueCustomer, uniqueToken } from './privacySupport';
import { type ShopSystem, startShop } from './system';

let shop: ShopSystem;
let notifier: Awaited<ReturnType<typeof startNotifierFor>>;
beforeAll(async () => {
  shop = await startShop('privacy');
  notifier = await startNotifierFor(shop, 'privacy');
});
afterAll(async () => {
  await notifier?.stop();
  await shop?.stop();
});

// As a manager (who may read, erase and decode anything); placing needs its Idempotency-Key.
const call = (
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) =>
  callAs(base, method, path, body, {
    ...shop.staff,
    ...(method === 'POST' && path === '/orders' ? { 'idempotency-key': randomUUID() } : {}),
    ...headers,
  });
const waitForStatus = (base: string, orderId: string, statuses: string | string[], timeoutMs = 20_000) =>
  waitAs(base, orderId, statuses, timeoutMs, shop.staff);

const place = async (body: Json, api = shop.url) => {
  const answer = await call(api, 'POST', '/orders', body);
  expect(answer.status).toBe(202);
  return answer.body.orderId as string;
};
const allLogs = () => [shop.logs(), notifier.logs(), workerLogs()].join('\n');

test('a name and a card token never appear in the workflow history, any table or any log', async () => {
  const name = uniqueCustomer();
  const token = uniqueToken();
  const orderId = await place(order({ customer: name, payment: { token } }));
  await waitForStatus(shop.url, orderId, 'READY');
  // The customer is told, by name: the provider is the one place outside the vault that gets it.
  await expect
    .poll(() => notifier.simulator.deliveries().find((d) => d.orderId === orderId)?.message, {
      timeout: 10_000,
    })
    .toContain(name);
  await call(shop.url, 'POST', `/orders/${orderId}/pickup`);
  const completed = await waitForStatus(shop.url, orderId, 'COMPLETED');
  expect(completed).toMatchObject({ customer: name, erased: false });

  const { bytes, encodings, plain } = await rawHistory(orderId);
  for (const secret of [name, token]) {
    expect(bytes.includes(Buffer.from(secret)), `history holds ${secret}`).toBe(false);
    expect(bytes.includes(Buffer.from(secret).toString('base64').slice(0, 12)), 'base64 in history').toBe(
      false,
    );
  }
  // Inputs, results, update arguments, summaries: every payload is sealed by the codec. Only the SDK's
  // own bookkeeping in markers (a patch's id, a local activity's attempt and times) stays plain.
  expect(encodings.filter((encoding) => encoding === 'binary/encrypted').length).toBeGreaterThan(10);
  for (const payload of plain)
    expect(payload).toMatch(/^\.events\.\d+\.markerRecordedEventAttributes\.details\.(data|patch-data)\./);

  for (const [table, dump] of await everyTable(shop)) {
    expect(dump, table).not.toContain(name);
    expect(dump, table).not.toContain(token);
  }
  expect(allLogs()).toContain(orderId);
  expect(allLogs()).not.toContain(name);
  expect(allLogs()).not.toContain(token);
  // The payment settled: the token is destroyed, the name stays until the customer asks.
  const vault = createVault(shop.db.pool, TEST_VAULT_KEYS);
  expect(await vault.reveal(orderId, 'paymentToken')).toBeUndefined();
  expect(await vault.reveal(orderId, 'customer')).toBe(name);
});

test('the words sent back with a drink never appear in the workflow history, any table or any log', async () => {
  const words = `too sweet, ${uniqueCustomer()}`;
  const orderId = await place(order({ customer: uniqueCustomer(), payment: { token: uniqueToken() } }));
  await waitForStatus(shop.url, orderId, 'READY');
  expect((await call(shop.url, 'POST', `/orders/${orderId}/reject`, { reason: words })).status).toBe(202);
  // Remade: ready a second time.
  const readies = async () =>
    ((await call(shop.url, 'GET', `/orders/${orderId}/events`)).body.events as Json[]).filter(
      (event) => event.type === 'OrderReady',
    ).length;
  await expect.poll(readies, { timeout: 20_000 }).toBe(2);
  await call(shop.url, 'POST', `/orders/${orderId}/pickup`);
  await waitForStatus(shop.url, orderId, 'COMPLETED');
  const { events } = (await call(shop.url, 'GET', `/orders/${orderId}/events`)).body;
  const rejected = (events as Json[]).find((event) => event.type === 'DrinkRejected');
  expect(rejected?.data).toMatchObject({
    reason: 'sent back by customer',
    reasonRef: `vault:${orderId}/rejectReason`,
  });

  const { bytes } = await rawHistory(orderId);
  expect(bytes.includes(Buffer.from(words)), 'history holds the words').toBe(false);
  for (const [table, dump] of await everyTable(shop)) expect(dump, table).not.toContain(words);
  expect(allLogs()).not.toContain(words);
  expect(await createVault(shop.db.pool, TEST_VAULT_KEYS).reveal(orderId, 'rejectReason')).toBe(words);
});

/** What every read answers of an erased order: no name, `erased: true`, amounts and status kept. */
async function expectErasedEverywhere(orderId: string, name: string, words?: string) {
  const current = await call(shop.url, 'GET', `/orders/${orderId}`);
  expect(current.body).toMatchObject({ customer: null, erased: true });
  expect(current.body.total.amount).toBeGreaterThan(0);
  const listed = (await call(shop.url, 'GET', '/orders?limit=100')).body.orders.find(
    (o: Json) => o.orderId === orderId,
  );
  expect(listed).toMatchObject({ customer: null, erased: true });
  expect((await call(shop.url, 'GET', `/orders?customer=${encodeURIComponent(name)}`)).body.orders).toEqual(
    [],
  );
  const events = (await call(shop.url, 'GET', `/orders/${orderId}/events`)).body.events as Json[];
  expect(events.map((e) => e.type)).toContain('OrderDataErased');
  const firstPosition = events[0].position;
  const then = await call(shop.url, 'GET', `/orders/${orderId}?asOf=${firstPosition}`);
  expect(then.body).toMatchObject({ status: 'PLACED', customer: null, erased: true });
  const stream = await readEvents(
    `${shop.url}/orders/${orderId}/stream`,
    (seen) => seen.length >= events.length,
    { headers: shop.staff },
  );
  expect(stream.events.length).toBeGreaterThan(0);
  for (const change of stream.events)
    expect(change.data.order).toMatchObject({ customer: null, erased: true });
  const board = await readEvents(
    `${shop.url}/orders/stream`,
    (seen) => seen.some((e) => e.data.orderId === orderId),
    { headers: shop.staff },
  );
  expect(board.events.find((e) => e.data.orderId === orderId)?.data).toMatchObject({ customer: null });
  const everything = JSON.stringify([
    current.body,
    events,
    stream.events,
    board.events,
    (await call(shop.url, 'GET', '/barista/queue')).body,
  ]);
  expect(everything).not.toContain(name);
  if (words) expect(everything).not.toContain(words);
}

const erase = async (orderId: string) => {
  const first = await call(shop.url, 'DELETE', `/orders/${orderId}/personal-data`);
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ orderId, erased: true, alreadyErased: false });
  const again = await call(shop.url, 'DELETE', `/orders/${orderId}/personal-data`);
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ erased: true, alreadyErased: true });
};

describe('erasure: the personal data goes, the books stay', () => {
  test('on every saga path, in flight or finished, and after the read models are rebuilt', async () => {
    const hurried = await shop.startAnotherApi({ pickupWindowSeconds: 1 });
    const words = `my bus came ${uniqueCustomer()}`;
    const orders = {
      inFlight: { name: uniqueCustomer(), token: 'tok_slow' },
      ready: { name: uniqueCustomer(), token: 'tok_visa_4242' },
      declined: { name: uniqueCustomer(), token: 'tok_declined' },
      cancelled: { name: uniqueCustomer(), token: 'tok_slow' },
      failed: { name: uniqueCustomer(), token: 'tok_visa_4242', machine: 'broken' },
      abandoned: { name: uniqueCustomer(), token: 'tok_visa_4242' },
      deadLettered: { name: `Invalid ${uniqueCustomer()}`, token: 'tok_visa_4242' },
    };
    const ids: Record<keyof typeof orders, string> = {} as never;
    for (const [path, spec] of Object.entries(orders) as [keyof typeof orders, (typeof orders)['ready']][])
      ids[path] = await place(
        order(
          { customer: spec.name, payment: { token: spec.token } },
          'machine' in spec ? { machine: spec.machine } : {},
        ),
        path === 'abandoned' ? hurried.url : shop.url,
      );

    // Cancelled in the customer's own words (during the slow charge): shown while kept, gone with the rest.
    const cancel = await call(shop.url, 'POST', `/orders/${ids.cancelled}/cancel`, { reason: words });
    expect(cancel.status).toBe(202);
    // In flight: erased while the slow card is being charged. The saga still finishes.
    await erase(ids.inFlight);
    const inFlight = await waitForStatus(shop.url, ids.inFlight, ['READY', 'REJECTED'], 30_000);
    if (inFlight.status === 'READY') {
      await call(shop.url, 'POST', `/orders/${ids.inFlight}/pickup`);
      await waitForStatus(shop.url, ids.inFlight, 'COMPLETED');
    }
    // Ready, then erased, then picked up: the barista and the counter never needed the name.
    await waitForStatus(shop.url, ids.ready, 'READY');
    await erase(ids.ready);
    expect((await call(shop.url, 'POST', `/orders/${ids.ready}/pickup`)).status).toBe(200);
    await waitForStatus(shop.url, ids.ready, 'COMPLETED');
    expect((await waitForStatus(shop.url, ids.cancelled, 'CANCELLED')).reason).toBe(words);
    for (const [path, status] of [
      ['declined', 'REJECTED'],
      ['failed', 'FAILED'],
      ['abandoned', 'ABANDONED'],
      ['deadLettered', 'READY'],
    ] as const)
      await waitForStatus(shop.url, ids[path], status, 30_000);
    for (const path of ['declined', 'cancelled', 'failed', 'abandoned', 'deadLettered'] as const)
      await erase(ids[path]);

    for (const [path, spec] of Object.entries(orders) as [keyof typeof orders, { name: string }][])
      await expectErasedEverywhere(ids[path], spec.name, words);
    expect((await call(shop.url, 'GET', `/orders/${ids.cancelled}`)).body.reason).toBe(
      'cancelled by customer',
    );

    const names = Object.values(orders).map((spec) => spec.name);
    const scan = async () => {
      for (const [table, dump] of await everyTable(shop))
        for (const secret of [...names, words])
          expect(dump, `${table} holds ${secret}`).not.toContain(secret);
    };
    await scan();

    // The dead letter parked no name; replayed after the erasure, there is nobody to send it to.
    await expect
      .poll(async () => (await listDeadLetters(shop.db.pool)).map((l) => l.orderId))
      .toContain(ids.deadLettered);
    const replayed = await replayDeadLetters(
      {
        pool: shop.db.pool,
        store: notifier.store,
        provider: createHttpProvider({ baseUrl: notifier.simulator.url }),
        names: await vaultNames(shop.db.pool, TEST_VAULT_KEYS),
      },
      'all',
    );
    expect(replayed).toEqual([expect.objectContaining({ outcome: 'erased' })]);

    // Rebuilt from the log, the read models know the erasure too: nothing in the log names anyone.
    const rebuilt = spawnSync(process.execPath, ['--import', 'tsx', 'bin/projections.ts', 'rebuild', 'all'], {
      env: { ...process.env, DATABASE_URL: shop.db.url },
      encoding: 'utf8',
    });
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    for (const path of Object.keys(orders) as (keyof typeof orders)[])
      expect((await call(shop.url, 'GET', `/orders/${ids[path]}`)).body).toMatchObject({
        customer: null,
        erased: true,
      });
    const { rows } = await shop.db.pool.query(
      'SELECT order_id, erased FROM order_summary WHERE order_id = ANY($1)',
      [Object.values(ids)],
    );
    expect(rows.every((row) => row.erased)).toBe(true);
    await scan();
    expect(allLogs()).not.toMatch(new RegExp(names.map((n) => n.replace(/[^\w ]/g, '.')).join('|')));
    await hurried.stop();
  });
});
