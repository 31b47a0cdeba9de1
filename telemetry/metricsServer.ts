import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { shopRegistry } from './shopMetrics';

/** A process's own registry: Node's default metrics and the shop's. */
export function processRegistry(...others: Registry[]): Registry {
  const own = new Registry();
  collectDefaultMetrics({ register: own });
  return Registry.merge([own, shopRegistry, ...others]);
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** GET /metrics for Prometheus, for the processes that serve no HTTP of their own. */
export async function serveMetrics(registry: Registry, port: number, host: string): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
