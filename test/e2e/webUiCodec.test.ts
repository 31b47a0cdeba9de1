import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApp } from '../../api/app';
import { createLogger } from '../../api/logger';
import { EncryptionCodec } from '../../codec';
import { apiConfig } from '../../config/api';
import { placeOrder, summarizeOrder } from '../../domain';
import { freePort } from '../../embedded/postgres';
import { startTemporalDevServer, type TemporalDevServer } from '../../embedded/temporal';
import { ORDER_SAGA_WORKFLOW, orderWorkflowId } from '../../workflows/definitions';
import { TEST_CODEC_KEYS, testDataConverter } from '../support/secrets';
import { createFakeShop } from '../unit/api/fakes';
import { launchBrowser } from './browser';

// `npm start`'s arrangement: the dev server's Web UI decodes payloads through our API's /codec.
let temporal: TemporalDevServer;
let api: Server;
let browser: Browser;
const decodeRequests: string[] = [];
beforeAll(async () => {
  const apiPort = await freePort();
  const uiPort = await freePort();
  const ports = { ...createFakeShop().ports, codec: new EncryptionCodec(TEST_CODEC_KEYS) };
  // As under npm start: the local UI forwards no token, and loopback callers need none.
  const config = apiConfig({ temporalUiUrl: `http://127.0.0.1:${uiPort}`, codecLoopbackWithoutToken: true });
  const app = createApp({ config, ports, logger: createLogger('silent') }).app;
  api = app.listen(apiPort, '127.0.0.1');
  api.on('request', (req) => {
    if (req.method === 'POST' && req.url?.startsWith('/codec/decode'))
      decodeRequests.push(req.headers.origin ?? '');
  });
  temporal = await startTemporalDevServer({ uiPort, uiCodecEndpoint: `http://127.0.0.1:${apiPort}/codec` });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await temporal?.stop();
  await new Promise((resolve) => api?.close(resolve));
});

test('the local Web UI shows a saga input decoded by our codec server; Temporal itself holds it sealed', async () => {
  const orderId = randomUUID();
  const order = placeOrder(
    {
      customer: 'Never Shown',
      items: [{ drink: 'latte', size: 'medium', quantity: 2 }],
      payment: { token: 'tok_visa_4242' },
    },
    { orderId, now: new Date().toISOString() },
  );
  const connection = await Connection.connect({ address: temporal.address });
  try {
    // No worker polls this queue: the saga waits, its input visible in the UI.
    await new Client({ connection, dataConverter: testDataConverter }).workflow.start(ORDER_SAGA_WORKFLOW, {
      taskQueue: `nobody-${orderId}`,
      workflowId: orderWorkflowId(orderId),
      args: [order],
      staticSummary: summarizeOrder(order),
    });
    // Without the codec, the input is ciphertext.
    const raw = await new Client({ connection }).workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
    const input = raw.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(Buffer.from(input?.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
  } finally {
    await connection.close();
  }

  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  await page.goto(`${temporal.uiUrl}/namespaces/default/workflows/${orderWorkflowId(orderId)}`);
  // The decoded input names the vault references (never the name itself: it is not in Temporal at all).
  await page.getByText(`vault:${orderId}/customer`).first().waitFor({ timeout: 60_000 });
  expect(decodeRequests.length).toBeGreaterThan(0);
  expect(decodeRequests).toContain(temporal.uiUrl);
  mkdirSync('test-output', { recursive: true });
  await page.screenshot({ path: 'test-output/web-ui-decoded-input.png', fullPage: true });
  expect(await page.content()).not.toContain('Never Shown');
  await page.close();
});
