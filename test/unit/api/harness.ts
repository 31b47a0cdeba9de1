import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createApp } from '../../../api/app';
import { createLogger } from '../../../api/logger';
import { type ApiConfig, apiConfig } from '../../../config/api';
import { authConfig, bearer, type StaffTokens, staffTokens } from '../../support/staffTokens';
import { createFakeShop, type FakeShop } from './fakes';

export interface TestApi {
  url: string;
  shop: FakeShop;
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[];
  rawLogs: () => string;
  openApi: () => unknown;
  /** Staff tokens this API accepts (and an expired and a role-less one). */
  tokens: StaffTokens;
  /** `Authorization` for a manager: every staff route admits it. */
  staff: Record<string, string>;
  close(): Promise<void>;
}

/** Limits high enough that only the tests about limits meet them. */
export const RELAXED_LIMITS: Partial<ApiConfig> = {
  rateLimits: { windowMs: 60_000, orders: 100_000, commands: 100_000, authFailures: 100_000 },
};

/** The real app over fakes, listening on a free port; logs captured in memory. */
export async function startTestApi(overrides: Partial<ApiConfig> = {}): Promise<TestApi> {
  const shop = createFakeShop();
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger('info', sink);
  const config = apiConfig({
    minPositionTimeoutMs: 50,
    ssePollMs: 50,
    sseHeartbeatMs: 1_000,
    ...RELAXED_LIMITS,
    ...(await authConfig()),
    ...overrides,
  });
  const tokens = await staffTokens();
  const api = createApp({ config, ports: shop.ports, logger });
  const server = api.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const rawLogs = () => chunks.join('');
  return {
    url: `http://127.0.0.1:${port}`,
    shop,
    get logs() {
      return rawLogs()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    rawLogs,
    openApi: api.openApi,
    tokens,
    staff: bearer(tokens.manager),
    async close() {
      api.closeStreams();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const validOrder = () => ({
  customer: 'Ana',
  items: [{ drink: 'latte', size: 'medium', quantity: 2 }],
  payment: { token: 'tok_visa_4242' },
});

/** A fresh Idempotency-Key (POST /orders requires one). */
export const newKey = () => ({ 'idempotency-key': randomUUID() });

/** POST /orders with a fresh key; the answer's body holds `orderId` and `orderToken`. */
export const placeOrder = (
  api: TestApi,
  body: unknown = validOrder(),
  headers: Record<string, string> = {},
) => postJson(`${api.url}/orders`, body, { ...newKey(), ...headers });

export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** A response body as loosely typed JSON, for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
export const json = (response: Response): Promise<any> => response.json();
