import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { createHttpProvider } from '../../../notifications/httpProvider';
import {
  type NotificationMessage,
  PermanentProviderError,
  recipientFor,
  TransientProviderError,
} from '../../../notifications/provider';
import { type ProviderSimulator, startProviderSimulator } from '../../../simulators/notificationProvider';
import { waitFor } from '../../support/waitFor';

let simulator: ProviderSimulator;
const message = (key: string, customer = 'Ana'): NotificationMessage => ({
  idempotencyKey: key,
  to: recipientFor(customer),
  orderId: 'o1',
  kind: 'ready',
  message: `Hi ${customer}`,
});

beforeAll(async () => {
  simulator = await startProviderSimulator();
});
beforeEach(() => simulator.reset());
afterAll(() => simulator.close());

test('a repeated idempotency key is acknowledged with the original ack and delivered once', async () => {
  const provider = createHttpProvider({ baseUrl: simulator.url });
  const first = await provider.send(message('k1'));
  const again = await provider.send(message('k1'));
  expect(first.duplicate).toBe(false);
  expect(again).toEqual({ ...first, duplicate: true });
  expect(simulator.deliveries()).toHaveLength(1);
  expect(simulator.calls().map((call) => call.outcome)).toEqual(['delivered', 'duplicate']);
});

test('down, failing and slow are transient; an invalid recipient is permanent', async () => {
  const provider = createHttpProvider({ baseUrl: simulator.url, timeoutMs: 200, instanceId: 'me' });
  simulator.setFaults({ downForCalls: 1 });
  await expect(provider.send(message('k1'))).rejects.toBeInstanceOf(TransientProviderError);
  simulator.setFaults({ failForCalls: 1, failStatus: 503 });
  await expect(provider.send(message('k1'))).rejects.toMatchObject({
    name: 'TransientProviderError',
    status: 503,
  });
  simulator.setFaults({ slowMs: 400, slowForCalls: 1 });
  await expect(provider.send(message('k1'))).rejects.toThrow(/timed out/);
  await expect(provider.send(message('k2', 'Invalid Ian'))).rejects.toBeInstanceOf(PermanentProviderError);
  await expect(provider.send(message('k2', 'Invalid Ian'))).rejects.toMatchObject({
    code: 'invalid_recipient',
  });
  // The slow call was still delivered after the client gave up: the retry is a duplicate.
  await waitFor(() => simulator.deliveries().some((delivery) => delivery.idempotencyKey === 'k1'), {
    what: 'the slow call to land',
  });
  expect((await provider.send(message('k1'))).duplicate).toBe(true);
  expect(simulator.calls().every((call) => call.instance === 'me')).toBe(true);
});

test('faults can be set over HTTP, and a recipient marked valid is accepted', async () => {
  const post = (path: string, body: unknown) =>
    fetch(`${simulator.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  await post('/faults', { down: true });
  const provider = createHttpProvider({ baseUrl: simulator.url });
  await expect(provider.send(message('k1'))).rejects.toBeInstanceOf(TransientProviderError);
  await post('/faults', { down: false, markValid: [recipientFor('Invalid Ian')] });
  await provider.send(message('k2', 'Invalid Ian'));
  const { deliveries } = (await (await fetch(`${simulator.url}/deliveries`)).json()) as {
    deliveries: unknown[];
  };
  const { calls } = (await (await fetch(`${simulator.url}/calls`)).json()) as { calls: unknown[] };
  expect(deliveries).toHaveLength(1);
  expect(calls).toHaveLength(2);
});
