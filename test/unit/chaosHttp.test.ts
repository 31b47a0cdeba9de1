import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ChaosHttp } from '../../chaos/http';

// The chaos driver's judge of 5xx answers: which are the shop pacing a backlog, which are failures.
let server: Server;
let url: string;
/** What the next POST /orders answers. */
let placement = 503;

beforeAll(async () => {
  server = createServer((req, res) => {
    const status = req.url === '/orders' ? placement : req.url === '/broken' ? 500 : 503;
    if (status === 503) res.setHeader('Retry-After', '3');
    res.writeHead(status, { 'content-type': 'application/json' });
    const catchingUp = req.url === '/orders/o-1/pickup';
    res.end(
      status === 202
        ? '{"orderId":"o-1"}'
        : catchingUp
          ? '{"type":"urn:brew-saga:problem:saga-catching-up"}'
          : '{}',
    );
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

test('a 503 with Retry-After while a fault’s backlog drains is expected (a latecomer refused then joins it); after it drained, or a 500 ever, is not', async () => {
  const http = new ChaosHttp(url, {}, 5_000, 0);
  const key = { 'idempotency-key': 'k-1' };
  const endOutage = http.openWindow('postgresOutage');
  placement = 503;
  await http.call('POST', '/orders', {}, key);
  endOutage();
  await new Promise((resolve) => setTimeout(resolve, 5));
  expect(http.tally).toMatchObject({ apiDownErrors: 1, backlogPeak: 1, unexpected5xx: 0 });

  // The outage is over, its order still waits: the shop pacing it is no failure.
  await http.call('POST', '/orders', {}, key);
  await http.call('GET', '/orders/o-1');
  expect(http.tally).toMatchObject({ retryLater: 2, unexpected5xx: 0, backlogDrainMs: null });

  // An order that arrives while the backlog drains and is refused waits in the same queue.
  const latecomer = { 'idempotency-key': 'k-late' };
  await http.call('POST', '/orders', {}, latecomer);
  expect(http.tally).toMatchObject({ retryLater: 3, unexpected5xx: 0, backlogPeak: 2 });

  placement = 202;
  await http.call('POST', '/orders', {}, key);
  expect(http.tally.backlogDrainMs).toBeNull();
  await http.call('POST', '/orders', {}, latecomer);
  expect(http.tally.backlogDrainMs).toBeGreaterThanOrEqual(0);

  // Drained: a refusal now is the shop failing its load.
  placement = 503;
  await http.call('POST', '/orders', {}, { 'idempotency-key': 'k-2' });
  await http.call('GET', '/broken');
  expect(http.tally).toMatchObject({ retryLater: 3, unexpected5xx: 2 });
  expect(http.tally.unexpected5xxSamples[0]).toMatch(/ms after postgresOutage ended\) POST \/orders -> 503/);

  // A saga catching up after a crash lost its workflow task asks for a retry; only a crash causes it.
  await http.call('POST', '/orders/o-1/pickup');
  expect(http.tally).toMatchObject({ retryLater: 4, unexpected5xx: 2 });
});
