import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createApp } from '../../../api/app';
import { createLogger } from '../../../api/logger';
import { type ApiConfig, apiConfig } from '../../../config/api';
import { createFakeShop, type FakeShop } from './fakes';

export interface TestApi {
  url: string;
  shop: FakeShop;
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[];
  rawLogs: () => string;
  openApi: () => unknown;
  close(): Promise<void>;
}

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
  const config = apiConfig({ minPositionTimeoutMs: 50, ssePollMs: 50, sseHeartbeatMs: 1_000, ...overrides });
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

export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** A response body as loosely typed JSON, for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
export const json = (response: Response): Promise<any> => response.json();
