import { expect, test } from 'vitest';
import { createDelivery } from '../../../notifications/delivery';
import { createNotificationMetrics } from '../../../notifications/metrics';
import {
  type NotificationMessage,
  PermanentProviderError,
  type ProviderAck,
  TransientProviderError,
} from '../../../notifications/provider';
import { waitFor } from '../../support/waitFor';

const message: NotificationMessage = {
  idempotencyKey: 'e1',
  to: 'ana@customers.brew-saga.test',
  orderId: 'o1',
  kind: 'ready',
  message: 'Hi Ana',
};
const ack: ProviderAck = { messageId: 'm1', acceptedAt: '2026-11-25T09:00:00.000Z', duplicate: false };
const policy = {
  breakerThreshold: 3,
  halfOpenAfterMs: 100,
  retryMaxAttempts: 2,
  retryInitialDelayMs: 1,
  retryMaxDelayMs: 5,
};

/** A provider that answers from a script, one entry per call. */
function scriptedProvider(script: Array<'ok' | 'transient' | 'permanent'>) {
  const calls: number[] = [];
  return {
    calls,
    async send(): Promise<ProviderAck> {
      calls.push(Date.now());
      const next = script[calls.length - 1] ?? 'ok';
      if (next === 'transient') throw new TransientProviderError('503', 503);
      if (next === 'permanent')
        throw new PermanentProviderError('no such recipient', 'invalid_recipient', 422);
      return ack;
    },
  };
}

test('a transient failure is retried until the provider acknowledges', async () => {
  const metrics = createNotificationMetrics();
  const provider = scriptedProvider(['transient', 'ok']);
  const outcome = await createDelivery(provider, policy, metrics).deliver(
    message,
    new AbortController().signal,
  );
  expect(outcome).toEqual({ ack });
  expect(provider.calls).toHaveLength(2);
  expect((await metrics.retried.get()).values[0]?.value).toBe(1);
});

test('a permanent failure is refused at once, never retried', async () => {
  const provider = scriptedProvider(['permanent']);
  const outcome = await createDelivery(provider, policy, createNotificationMetrics()).deliver(
    message,
    new AbortController().signal,
  );
  expect('refused' in outcome && outcome.refused.code).toBe('invalid_recipient');
  expect(provider.calls).toHaveLength(1);
});

test('after the threshold the breaker opens and the next call waits for the half-open probe', async () => {
  const metrics = createNotificationMetrics();
  const provider = scriptedProvider(['transient', 'transient', 'transient', 'transient', 'ok']);
  const outcome = await createDelivery(provider, policy, metrics).deliver(
    message,
    new AbortController().signal,
  );
  expect(outcome).toEqual({ ack });
  expect(provider.calls).toHaveLength(5);
  // calls 1-3 open the breaker; 4 is the first probe (fails, reopens), 5 the second.
  expect(provider.calls[3]! - provider.calls[2]!).toBeGreaterThanOrEqual(90);
  expect(provider.calls[4]! - provider.calls[3]!).toBeGreaterThanOrEqual(90);
  expect((await metrics.breakerState.get()).values[0]?.value).toBe(0);
});

test('stopping ends a delivery that is waiting on an open breaker', async () => {
  const provider = scriptedProvider(Array(100).fill('transient'));
  const stop = new AbortController();
  const delivering = createDelivery(
    provider,
    { ...policy, halfOpenAfterMs: 60_000 },
    createNotificationMetrics(),
  ).deliver(message, stop.signal);
  await waitFor(() => provider.calls.length === 3, { what: 'the breaker to open' });
  stop.abort(new Error('stopping'));
  await expect(delivering).rejects.toThrow('stopping');
  expect(provider.calls).toHaveLength(3);
});
