// Shopify's Toxiproxy between our processes and Postgres/Temporal, driven over its HTTP API
// (https://github.com/Shopify/toxiproxy#http-api) with plain fetch: no client package needed.
import { toxiproxyBinary } from '../scripts/testTools.mjs';
import type { ServiceDefinition } from './supervisor';

export type ToxicType = 'latency' | 'timeout' | 'reset_peer';
export type Direction = 'upstream' | 'downstream';

export interface Toxic {
  type: ToxicType;
  stream: Direction;
  attributes: Record<string, number>;
}

/** The server as a supervised process, listening on loopback only. */
export function toxiproxyService(port: number): ServiceDefinition {
  return {
    name: 'toxiproxy',
    command: toxiproxyBinary(),
    args: ['-host', '127.0.0.1', '-port', String(port)],
    env: process.env,
    ready: { probe: async () => (await fetch(`http://127.0.0.1:${port}/version`)).ok },
  };
}

export class Toxiproxy {
  constructor(private readonly apiUrl: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`toxiproxy ${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** A proxy listening on `listenPort`, forwarding to `upstream` (host:port). */
  async createProxy(name: string, listenPort: number, upstream: string): Promise<void> {
    await this.call('POST', '/proxies', {
      name,
      listen: `127.0.0.1:${listenPort}`,
      upstream,
      enabled: true,
    });
  }

  /** Disabled: every connection closed, new ones refused (the server is unreachable). */
  async setEnabled(name: string, enabled: boolean): Promise<void> {
    await this.call('POST', `/proxies/${name}`, { enabled });
  }

  /** Adds the toxic under `toxicName` (unique per proxy); `removeToxic` takes it away. */
  async addToxic(proxy: string, toxicName: string, toxic: Toxic): Promise<void> {
    await this.call('POST', `/proxies/${proxy}/toxics`, { name: toxicName, toxicity: 1, ...toxic });
  }

  async removeToxic(proxy: string, toxicName: string): Promise<void> {
    await this.call('DELETE', `/proxies/${proxy}/toxics/${toxicName}`);
  }

  /** Puts the toxics on every proxy in `proxies`; returns what takes them all away again. */
  async applyToxics(proxies: string[], name: string, toxics: Toxic[]): Promise<() => Promise<void>> {
    const added: [string, string][] = [];
    const undo = () => Promise.all(added.map(([proxy, toxicName]) => this.removeToxic(proxy, toxicName)));
    try {
      for (const proxy of proxies)
        for (const toxic of toxics) {
          const toxicName = `${name}-${toxic.stream}`;
          await this.addToxic(proxy, toxicName, toxic);
          added.push([proxy, toxicName]);
        }
    } catch (error) {
      await undo().catch(() => {});
      throw error;
    }
    return async () => {
      await undo();
    };
  }
}
