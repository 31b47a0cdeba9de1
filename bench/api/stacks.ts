import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../embedded/postgres';
import { stopChild } from '../../embedded/temporal';
import { SAGA_PATHS } from '../../simulators/sagaPaths';

const bin = (name: string) => join(import.meta.dirname, '..', '..', 'bin', `${name}.ts`);

export const orderBody = JSON.stringify({
  customer: 'Bench',
  items: [{ drink: 'latte', size: 'medium', quantity: 2 }],
  payment: { token: SAGA_PATHS.happy.token },
});

const sendOrder = (apiUrl: string) =>
  fetch(`${apiUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: orderBody,
  });

/** One `POST /orders` with a fresh Idempotency-Key; true when it was accepted. */
export async function postOrder(apiUrl: string): Promise<boolean> {
  const response = await sendOrder(apiUrl);
  await response.arrayBuffer();
  return response.status === 202;
}

export interface ApiStack {
  name: 'off' | 'on';
  url: string;
  pid: number;
  /** Its orders worker's pid. */
  workerPid: number;
}

/**
 * Two API processes, each with its own orders worker on its own task queue: one untraced (nothing of
 * OpenTelemetry loaded), one exporting OTLP to a receiver process standing in for a collector. One
 * barista and one projector serve both (a POST answers once OrderPlaced is written, before brewing).
 */
export async function openApiStacks(env: NodeJS.ProcessEnv, logFd: number, cpuProfileDir?: string) {
  const stops: Array<() => Promise<unknown>> = [];
  const start = (entry: string, extra: Record<string, string> = {}) => {
    // BENCH_CPU_PROF=<dir>: every shop process writes a V8 CPU profile there when it stops (Chrome DevTools).
    const profile = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', entry], {
      env: { ...env, ...extra },
      stdio: ['ignore', logFd, logFd],
    });
    stops.push(() => stopChild(child));
    return child;
  };
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };

  try {
    const receiverPort = await freePort();
    const receiver = spawn(
      process.execPath,
      [
        '-e',
        "require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('{}')); }).listen(Number(process.argv[1]), '127.0.0.1')",
        String(receiverPort),
      ],
      { stdio: 'ignore' },
    );
    stops.push(() => stopChild(receiver));

    const barista = start(bin('barista'));
    const projector = start(bin('projector'));
    const side = async (name: ApiStack['name'], extra: Record<string, string>): Promise<ApiStack> => {
      const queue = `bench-api-${name}-orders`;
      const worker = start(bin('worker'), { ...extra, ORDERS_TASK_QUEUE: queue });
      const port = await freePort();
      const api = start(bin('api'), { ...extra, PORT: String(port), TEMPORAL_TASK_QUEUE: queue });
      const url = `http://127.0.0.1:${port}`;
      for (
        let tries = 0;
        !(await fetch(`${url}/readyz`).then(
          (r) => r.ok,
          () => false,
        ));
        tries += 1
      ) {
        if (tries > 600) throw new Error(`the ${name} API never got ready`);
        await sleep(100);
      }
      return { name, url, pid: api.pid!, workerPid: worker.pid! };
    };
    const off = await side('off', {});
    const on = await side('on', { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiverPort}` });
    // The processes both stacks share, by name: what bench:api meters the CPU of.
    const shared = { barista: barista.pid!, projector: projector.pid!, otlpReceiver: receiver.pid! };
    return { off, on, shared, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** An order placed through this API and made READY: the one its GETs read, with its customer's token. */
export async function readyOrder(api: ApiStack) {
  const placed = (await (await sendOrder(api.url)).json()) as {
    orderId: string;
    position: number;
    orderToken: string;
  };
  const authorization = `Bearer ${placed.orderToken}`;
  const orderUrl = `${api.url}/orders/${placed.orderId}`;
  let order: { status: string } | undefined;
  // Up to 2 min: on a busy machine the orders worker may still be bundling its workflows.
  for (let tries = 0; tries < 2400 && order?.status !== 'READY'; tries += 1) {
    if (tries > 0) await sleep(50);
    const read = await fetch(`${orderUrl}?minPosition=${placed.position}`, { headers: { authorization } });
    order = (await read.json()) as { status: string };
  }
  if (order?.status !== 'READY') throw new Error(`the ${api.name} side's order never got READY`);
  // autocannon's header flag: every GET of this side carries the token (the bare app gets one too).
  return { orderUrl, order, withToken: ['-H', `authorization=${authorization}`] };
}
