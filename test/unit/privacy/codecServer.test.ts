import type { Request, Response } from 'express';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { loopbackOnly } from '../../../api/routes/privacy';
import { json, postJson, startTestApi, type TestApi } from '../api/harness';

const WEB_UI = 'http://127.0.0.1:8233';
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ temporalUiUrl: WEB_UI });
});
afterAll(() => api.close());

const plain = {
  metadata: { encoding: Buffer.from('json/plain').toString('base64') },
  data: Buffer.from(JSON.stringify({ orderId: 'o-1' })).toString('base64'),
};

test("the Web UI's preflight is answered for its origin: POST, X-Namespace, Authorization, credentials", async () => {
  const response = await fetch(`${api.url}/codec/decode`, {
    method: 'OPTIONS',
    headers: {
      origin: WEB_UI,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,x-namespace,authorization',
    },
  });
  expect(response.status).toBe(204);
  expect(response.headers.get('access-control-allow-origin')).toBe(WEB_UI);
  expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  expect(response.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/);
  // Another origin gets no CORS grant (the browser then refuses to read the answer).
  const stranger = await fetch(`${api.url}/codec/decode`, {
    method: 'OPTIONS',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
  });
  expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
});

test('encode then decode round-trips the Web UI request shape, whatever its content type', async () => {
  const headers = { origin: WEB_UI, 'x-namespace': 'default' };
  const encoded = await postJson(`${api.url}/codec/encode`, { payloads: [plain] }, headers);
  expect(encoded.status).toBe(200);
  expect(encoded.headers.get('access-control-allow-origin')).toBe(WEB_UI);
  const sealed = await json(encoded);
  expect(Buffer.from(sealed.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
  const decoded = await fetch(`${api.url}/codec/decode`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'text/plain' },
    body: JSON.stringify(sealed),
  });
  expect(await json(decoded)).toEqual({ payloads: [plain] });
});

test('a tampered payload is refused with 422, a malformed request with 400', async () => {
  const sealed = await json(await postJson(`${api.url}/codec/encode`, { payloads: [plain] }));
  const bytes = Buffer.from(sealed.payloads[0].data, 'base64');
  bytes[bytes.length - 1]! ^= 1;
  sealed.payloads[0].data = bytes.toString('base64');
  const tampered = await postJson(`${api.url}/codec/decode`, sealed);
  expect(tampered.status).toBe(422);
  expect((await postJson(`${api.url}/codec/decode`, { payloads: 'nope' })).status).toBe(400);
});

test('on the embedded default the codec answers loopback callers only', () => {
  const next = vi.fn();
  const sent: { status?: number } = {};
  const res = {
    req: { originalUrl: '/codec/decode' },
    locals: {},
    setHeader() {},
    status(code: number) {
      sent.status = code;
      return this;
    },
    type() {
      return this;
    },
    send() {},
  } as unknown as Response;
  loopbackOnly({ socket: { remoteAddress: '10.1.2.3' } } as Request, res, next);
  expect(next).not.toHaveBeenCalled();
  expect(sent.status).toBe(403);
  loopbackOnly({ socket: { remoteAddress: '::1' } } as Request, res, next);
  expect(next).toHaveBeenCalledOnce();
});
