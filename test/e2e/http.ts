/** A small HTTP client for driving the shop as a user does. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { waitFor } from '../support/waitFor';

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
export type Json = any;

export interface Answer {
  status: number;
  headers: Headers;
  body: Json;
}

export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: Json = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** POST /orders with a fresh Idempotency-Key (required); the body holds `orderId` and `orderToken`. */
export const placeOrder = (base: string, body: unknown = order(), headers: Record<string, string> = {}) =>
  call(base, 'POST', '/orders', body, { 'idempotency-key': randomUUID(), ...headers });

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export const order = (overrides: Json = {}, line: Json = {}) => ({
  customer: 'Ana',
  items: [{ drink: 'latte', size: 'medium', quantity: 1, ...line }],
  payment: { token: 'tok_visa_4242' },
  ...overrides,
});

/** Polls the read model until the order reaches a status (or one of several). */
export async function waitForStatus(
  base: string,
  orderId: string,
  statuses: string | string[],
  timeoutMs = 20_000,
  headers: Record<string, string> = {},
): Promise<Json> {
  const wanted = Array.isArray(statuses) ? statuses : [statuses];
  return waitFor(
    async () => {
      const answer = await call(base, 'GET', `/orders/${orderId}`, undefined, headers);
      expect(answer.status === 200 && wanted.includes(answer.body.status), JSON.stringify(answer.body)).toBe(
        true,
      );
      return answer.body;
    },
    { timeoutMs, intervalMs: 100, what: `order ${orderId} to reach ${wanted.join('/')}` },
  );
}

export interface SseEvent {
  id?: string;
  event?: string;
  data: Json;
}

/** Reads Server-Sent Events until `until` says stop (or the timeout), then disconnects. */
export async function readEvents(
  url: string,
  until: (events: SseEvent[]) => boolean,
  options: { lastEventId?: string; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<{ events: SseEvent[]; comments: string[]; status: number }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 20_000);
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const response = await fetch(url, {
    headers: { ...options.headers, ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}) },
    signal: controller.signal,
  });
  if (response.status !== 200 || !response.body) {
    clearTimeout(timer);
    return { events, comments, status: response.status };
  }
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let cut = buffer.indexOf('\n\n');
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event: SseEvent = { data: undefined };
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) comments.push(line.slice(1).trim());
          else if (line.startsWith('id: ')) event.id = line.slice(4);
          else if (line.startsWith('event: ')) event.event = line.slice(7);
          else if (line.startsWith('data: ')) event.data = JSON.parse(line.slice(6));
        }
        if (event.data !== undefined) events.push(event);
        cut = buffer.indexOf('\n\n');
      }
      if (until(events)) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { events, comments, status: 200 };
}
