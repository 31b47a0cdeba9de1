import type { WorkflowHandle } from '@temporalio/client';
import { expect, test } from 'vitest';
import { pickUpSignal, statusQuery } from '../../workflows/definitions';
import { COMPLETED_ORDER_EVENTS } from '../support/orderPaths';
import { FAST_GATEWAY, keepHistory, useSagaHarness, waitFor } from './sagaHarness';

const saga = useSagaHarness();

async function completeOrder(token: string, history?: string) {
  const order = await saga.order([{ drink: 'mocha' }], { paymentToken: token });
  return saga.run(async () => {
    const { handle } = await saga.start(order);
    await waitFor(async () => (await handle.query(statusQuery)).status === 'READY');
    await handle.signal(pickUpSignal);
    const outcome = await handle.result();
    if (history) await keepHistory(history, handle);
    return { order, handle, outcome, status: await handle.query(statusQuery) };
  });
}

/** From the charge's (last) start to its completion, by the server's clock. */
async function chargeMillis(handle: WorkflowHandle): Promise<number> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = events.find(
    (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'chargePayment',
  );
  const byScheduled = (attributes?: { scheduledEventId?: unknown } | null) =>
    attributes != null && String(attributes.scheduledEventId) === String(scheduled?.eventId);
  const millis = (event?: (typeof events)[number]) =>
    Number(String(event?.eventTime?.seconds ?? 0)) * 1000 + Math.floor((event?.eventTime?.nanos ?? 0) / 1e6);
  const started = events.find((event) => byScheduled(event.activityTaskStartedEventAttributes));
  const completed = events.find((event) => byScheduled(event.activityTaskCompletedEventAttributes));
  return millis(completed) - millis(started);
}

test('a declined card rejects the order: PaymentDeclined, OrderRejected, no refund, nothing brewed', async () => {
  const order = await saga.order([{ drink: 'latte' }], { paymentToken: 'tok_declined' });
  const { outcome, status } = await saga.run(async () => {
    const { handle } = await saga.start(order);
    const outcome = await handle.result();
    await keepHistory('declined', handle);
    return { outcome, status: await handle.query(statusQuery) };
  });
  expect(outcome.status).toBe('REJECTED');
  expect(await saga.eventTypes(order.orderId)).toEqual(['OrderPlaced', 'PaymentDeclined', 'OrderRejected']);
  // A decline is an answer, not an outage: one attempt, and the refund compensation is dropped unrun.
  expect(status).toMatchObject({
    attempts: { chargePayment: 1 },
    compensationsRun: [],
    compensationsPending: [],
  });
  const [, declined] = await saga.store.readStream(`order-${order.orderId}`);
  expect(declined!.data).toMatchObject({ reason: 'card declined by issuer' });
  expect(await saga.gateway.ledger.entries(order.orderId)).toEqual([]);
});

test('a flaky card is charged exactly once, although its first charge lost its answer', async () => {
  const { order, outcome, status } = await completeOrder('tok_flaky', 'flakyCard');
  expect(outcome.status).toBe('COMPLETED');
  expect(await saga.eventTypes(order.orderId)).toEqual(COMPLETED_ORDER_EVENTS);
  expect(status.attempts.chargePayment).toBe(3);
  expect(saga.gateway.calls(`order-${order.orderId}/charge`)).toBe(3);
  const ledger = await saga.gateway.ledger.entries(order.orderId);
  expect(ledger).toEqual([
    expect.objectContaining({ kind: 'charge', amount: { amount: 500, currency: 'USD' } }),
  ]);
  const [, charged] = await saga.store.readStream(`order-${order.orderId}`);
  expect(charged!.data).toMatchObject({ chargeId: ledger[0]!.reference });
});

test('a slow card is waited for, not retried', async () => {
  const { order, handle, outcome, status } = await completeOrder('tok_slow', 'slowCard');
  expect(outcome.status).toBe('COMPLETED');
  expect(await saga.eventTypes(order.orderId)).toEqual(COMPLETED_ORDER_EVENTS);
  expect(status.attempts.chargePayment).toBe(1);
  expect(await saga.gateway.ledger.entries(order.orderId)).toHaveLength(1);
  // The card really was slow: its one charge took the simulator's delay (else this proves nothing).
  expect(await chargeMillis(handle)).toBeGreaterThanOrEqual(FAST_GATEWAY.slowMs! - 50);
});

test('a gateway that never answers fails the order after 5 minutes of retries, with a recorded no-op refund', async () => {
  const order = await saga.order([{ drink: 'tea' }], { paymentToken: 'tok_unavailable' });
  const { outcome, status } = await saga.run(async () => {
    const { handle } = await saga.start(order);
    const outcome = await handle.result();
    await keepHistory('gatewayDown', handle);
    return { outcome, status: await handle.query(statusQuery) };
  });
  expect(outcome.status).toBe('FAILED');
  expect(await saga.eventTypes(order.orderId)).toEqual(['OrderPlaced', 'PaymentRefunded', 'OrderFailed']);
  expect(status.attempts.chargePayment).toBeGreaterThan(5);
  expect(status.compensationsRun).toEqual(['refundPayment']);
  const events = await saga.store.readStream(`order-${order.orderId}`);
  expect(events[1]!.data).toMatchObject({ amount: { amount: 0, currency: 'USD' }, refundId: null });
  expect(events[2]!.data.reason).toMatch(/^payment failed: /);
  expect((await saga.gateway.ledger.entries(order.orderId)).map((entry) => entry.kind)).toEqual(['refund']);
});
