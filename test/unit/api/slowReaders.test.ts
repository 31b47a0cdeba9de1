import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, test } from 'vitest';
import { json, placeOrder, startTestApi, type TestApi } from './harness';

// 200 readers that open the board's stream and never read. The kernel takes a few MB per socket;
// past that, what a reader has not taken waits in the API's memory, so a reader that far behind is
// dropped (it may resume with Last-Event-ID) instead of being buffered for ever.

let api: TestApi | undefined;
afterEach(() => api?.close());

const MB = 1024 * 1024;
const rssMb = () => Math.round(process.memoryUsage().rss / MB);

function slowReader(url: string, authorization: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `GET /orders/stream HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: ${authorization}\r\n\r\n`,
      );
      socket.pause();
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

const metric = async (test: TestApi, pattern: RegExp) => {
  const text = await (await fetch(`${test.url}/metrics`, { headers: test.staff })).text();
  return Number(pattern.exec(text)?.[1] ?? 0);
};

test('200 slow SSE readers are dropped, not buffered: the API’s memory stays bounded', {
  timeout: 90_000,
}, async () => {
  api = await startTestApi({
    sseMaxStreamsPerClient: 500,
    sseMaxBufferedBytes: 32 * 1024,
    ssePollMs: 60_000,
    sseHeartbeatMs: 60_000,
  });
  const test = api;
  // Five orders whose every change is a ~20 KB event on the board's stream.
  const ids: string[] = [];
  for (let i = 0; i < 5; i += 1) ids.push((await json(await placeOrder(test))).orderId);
  for (const id of ids)
    test.shop.orders.set(id, { ...test.shop.orders.get(id)!, customer: 'x'.repeat(20_000) });

  const readers = await Promise.all(
    Array.from({ length: 200 }, () => slowReader(test.url, test.staff.authorization!)),
  );
  await expect
    .poll(() => metric(test, /brew_sse_clients\{stream="board"\} (\d+)/), { timeout: 20_000 })
    .toBe(200);
  global.gc?.();
  const before = rssMb();

  // 400 changes: 8 MB for every reader (the kernel takes ~4 MB a socket), 1.6 GB if none were dropped.
  for (let change = 0; change < 400; change += 1) {
    test.shop.advance(ids[change % ids.length]!, 'BrewingProgressed', 'BREWING');
    await sleep(2);
  }
  const dropped = () => metric(test, /brew_sse_refused_total\{reason="slow_reader"\} (\d+)/);
  await expect.poll(dropped, { timeout: 60_000 }).toBe(200);
  const after = rssMb();
  console.log(
    `\nSlow SSE readers: 200 connected, ${await dropped()} dropped as slow; ` +
      `RSS before ${before} MB, after ${after} MB (+${after - before} MB)\n`,
  );
  expect(await metric(test, /brew_sse_clients\{stream="board"\} (\d+)/)).toBe(0);
  // Measured without the bound (sseMaxBufferedBytes: 1e12): +900 MB. With it: a few tens of MB.
  expect(after - before).toBeLessThan(150);
  for (const reader of readers) reader.destroy();
});
