import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Our own stand-in for an SMS/e-mail provider, on loopback. It dedupes by `Idempotency-Key`
 * (a repeat is acknowledged with the original ack, never delivered twice), records every call
 * and every delivery, and can be told to misbehave through `POST /faults`:
 *
 *   { "down": true }                      drop every connection until { "down": false }
 *   { "downForMs": 2000 }                 … for a while      { "downForCalls": 3 }  … for N calls
 *   { "failForCalls": 3, "failStatus": 503 }  answer 5xx for N calls   { "failForMs": 2000 } … for a while
 *   { "slowMs": 3000, "slowForCalls": 1 }  answer late (and still deliver) for N calls, or for `slowForMs`
 *   { "markInvalid": ["a@…"] } / { "markValid": ["a@…"] }   refuse / accept a recipient
 *   { "reset": true }                     clear faults (deliveries and calls stay; POST /reset clears all)
 *
 * A recipient whose local part contains `invalid` (a customer named "Invalid Ian") is refused
 * with 422 `invalid_recipient`, a permanent failure, unless it was marked valid: the "fix"
 * an operator makes before replaying a dead letter.
 *
 * In-process: `startProviderSimulator()`. As its own process: `npm run notifications -- simulator`.
 */
export interface SimulatorFaults {
  down?: boolean;
  downForMs?: number;
  downForCalls?: number;
  failForCalls?: number;
  failForMs?: number;
  failStatus?: number;
  slowMs?: number;
  slowForCalls?: number;
  slowForMs?: number;
  markInvalid?: string[];
  markValid?: string[];
  reset?: boolean;
}

export interface SimulatedDelivery {
  messageId: string;
  idempotencyKey: string;
  to: string;
  orderId: string;
  kind: string;
  message: string;
  acceptedAt: string;
}

export type CallOutcome = 'delivered' | 'duplicate' | 'down' | 'failed' | 'invalid_recipient' | 'bad_request';

export interface SimulatedCall {
  at: number;
  idempotencyKey: string | null;
  to: string | null;
  /** `X-Notifier-Instance` of the caller, when it said. */
  instance: string | null;
  outcome: CallOutcome;
  status: number | null;
}

export interface ProviderSimulator {
  url: string;
  port: number;
  setFaults(faults: SimulatorFaults): void;
  deliveries(): SimulatedDelivery[];
  calls(): SimulatedCall[];
  /** Forgets faults, calls, deliveries and idempotency keys. */
  reset(): void;
  close(): Promise<void>;
}

interface FaultState {
  downUntil: number;
  downCalls: number;
  failUntil: number;
  failCalls: number;
  failStatus: number;
  slowMs: number;
  slowUntil: number;
  slowCalls: number;
  invalid: Set<string>;
  valid: Set<string>;
}

const noFaults = (): FaultState => ({
  downUntil: 0,
  downCalls: 0,
  failUntil: 0,
  failCalls: 0,
  failStatus: 503,
  slowMs: 0,
  slowUntil: 0,
  slowCalls: 0,
  invalid: new Set(),
  valid: new Set(),
});

export async function startProviderSimulator({
  port = 0,
  host = '127.0.0.1',
} = {}): Promise<ProviderSimulator> {
  let faults = noFaults();
  let accepted = new Map<string, SimulatedDelivery>();
  let calls: SimulatedCall[] = [];

  const applyFaults = (input: SimulatorFaults): void => {
    const now = Date.now();
    if (input.reset) faults = { ...noFaults(), invalid: faults.invalid, valid: faults.valid };
    if (input.down !== undefined) faults.downUntil = input.down ? Number.POSITIVE_INFINITY : 0;
    if (input.downForMs !== undefined) faults.downUntil = now + input.downForMs;
    if (input.downForCalls !== undefined) faults.downCalls = input.downForCalls;
    if (input.failForCalls !== undefined) faults.failCalls = input.failForCalls;
    if (input.failForMs !== undefined) faults.failUntil = now + input.failForMs;
    if (input.failStatus !== undefined) faults.failStatus = input.failStatus;
    if (input.slowMs !== undefined) faults.slowMs = input.slowMs;
    if (input.slowForCalls !== undefined) faults.slowCalls = input.slowForCalls;
    if (input.slowForMs !== undefined) faults.slowUntil = now + input.slowForMs;
    for (const to of input.markInvalid ?? []) {
      faults.invalid.add(to);
      faults.valid.delete(to);
    }
    for (const to of input.markValid ?? []) {
      faults.valid.add(to);
      faults.invalid.delete(to);
    }
  };

  const isInvalid = (to: string): boolean =>
    faults.invalid.has(to) || (!faults.valid.has(to) && /invalid/i.test(to.split('@')[0] ?? ''));

  const takeMessage = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const now = Date.now();
    const key = header(request, 'idempotency-key');
    const instance = header(request, 'x-notifier-instance');
    const call: SimulatedCall = {
      at: now,
      idempotencyKey: key,
      to: null,
      instance,
      outcome: 'down',
      status: null,
    };
    calls.push(call);
    const body = await readJson(request);
    call.to = typeof body?.to === 'string' ? body.to : null;
    if (now < faults.downUntil || faults.downCalls > 0) {
      if (faults.downCalls > 0) faults.downCalls -= 1;
      request.socket.destroy();
      return;
    }
    if (now < faults.failUntil || faults.failCalls > 0) {
      if (faults.failCalls > 0) faults.failCalls -= 1;
      return answer(response, call, 'failed', faults.failStatus, { error: 'simulated provider failure' });
    }
    if (now < faults.slowUntil || faults.slowCalls > 0) {
      if (faults.slowCalls > 0) faults.slowCalls -= 1;
      await sleep(faults.slowMs);
    }
    if (!key || !body || typeof body.to !== 'string' || typeof body.message !== 'string')
      return answer(response, call, 'bad_request', 400, {
        code: 'bad_request',
        error: 'Idempotency-Key header and a JSON body { to, orderId, kind, message } are required',
      });
    const previous = accepted.get(key);
    if (previous) return answer(response, call, 'duplicate', 200, { ...ackOf(previous), duplicate: true });
    if (isInvalid(body.to))
      return answer(response, call, 'invalid_recipient', 422, {
        code: 'invalid_recipient',
        error: `no such recipient: ${body.to}`,
      });
    const delivery: SimulatedDelivery = {
      messageId: randomUUID(),
      idempotencyKey: key,
      to: body.to,
      orderId: String(body.orderId ?? ''),
      kind: String(body.kind ?? ''),
      message: body.message,
      acceptedAt: new Date(now).toISOString(),
    };
    accepted.set(key, delivery);
    return answer(response, call, 'delivered', 202, { ...ackOf(delivery), duplicate: false });
  };

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://simulator').pathname;
    const route = `${request.method} ${path}`;
    const handled = (async () => {
      if (route === 'POST /messages') return takeMessage(request, response);
      if (route === 'GET /deliveries') return json(response, 200, { deliveries: [...accepted.values()] });
      if (route === 'GET /calls') return json(response, 200, { calls });
      if (route === 'POST /faults') {
        applyFaults(((await readJson(request)) ?? {}) as SimulatorFaults);
        return json(response, 200, { ok: true });
      }
      if (route === 'POST /reset') {
        reset();
        return json(response, 200, { ok: true });
      }
      return json(response, 404, { error: `no route ${route}` });
    })();
    handled.catch((error: unknown) => json(response, 500, { error: String(error) }));
  });

  const reset = (): void => {
    faults = noFaults();
    accepted = new Map();
    calls = [];
  };

  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ready());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${bound}`,
    port: bound,
    setFaults: applyFaults,
    deliveries: () => [...accepted.values()],
    calls: () => [...calls],
    reset,
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

function answer(
  response: ServerResponse,
  call: SimulatedCall,
  outcome: CallOutcome,
  status: number,
  body: unknown,
): void {
  call.outcome = outcome;
  call.status = status;
  json(response, status, body);
}

const ackOf = ({ messageId, acceptedAt }: SimulatedDelivery) => ({ messageId, acceptedAt });

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
