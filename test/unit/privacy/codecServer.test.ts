import { afterAll, beforeAll, expect, test } from 'vitest';
import { bearer } from '../../support/staffTokens';
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
  const headers = { origin: WEB_UI, 'x-namespace': 'default', ...api.staff };
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
  const sealed = await json(await postJson(`${api.url}/codec/encode`, { payloads: [plain] }, api.staff));
  const bytes = Buffer.from(sealed.payloads[0].data, 'base64');
  bytes[bytes.length - 1]! ^= 1;
  sealed.payloads[0].data = bytes.toString('base64');
  const tampered = await postJson(`${api.url}/codec/decode`, sealed, api.staff);
  expect(tampered.status).toBe(422);
  expect((await postJson(`${api.url}/codec/decode`, { payloads: 'nope' }, api.staff)).status).toBe(400);
});

test('decoding is for managers: no token 401, a barista 403', async () => {
  const request = { payloads: [plain] };
  expect((await postJson(`${api.url}/codec/decode`, request)).status).toBe(401);
  expect((await postJson(`${api.url}/codec/decode`, request, bearer(api.tokens.barista))).status).toBe(403);
  expect((await postJson(`${api.url}/codec/decode`, request, api.staff)).status).toBe(200);
});

test('a caller without a token is refused before the body is read: malformed JSON is a 401, not a 400', async () => {
  const malformed = (headers: Record<string, string> = {}) =>
    fetch(`${api.url}/codec/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{"payloads": [',
    });
  expect((await malformed()).status).toBe(401);
  expect((await malformed(bearer(api.tokens.barista))).status).toBe(403);
  expect((await malformed(api.staff)).status).toBe(400);
});

test("on npm start's default a caller on this machine needs no token; a wrong token still fails", async () => {
  const local = await startTestApi({ temporalUiUrl: WEB_UI, codecLoopbackWithoutToken: true });
  try {
    const request = { payloads: [plain] };
    expect((await postJson(`${local.url}/codec/decode`, request)).status).toBe(200);
    expect((await postJson(`${local.url}/codec/decode`, request, bearer(local.tokens.barista))).status).toBe(
      403,
    );
  } finally {
    await local.close();
  }
});
