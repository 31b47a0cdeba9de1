import type { WorkflowHandle } from '@temporalio/client';
import { expect, test } from 'vitest';
import { PaymentRefusedError } from '../../activities';
import { SAGA_PATHS } from '../../simulators/sagaPaths';
import { pickUpSignal, statusQuery } from '../../workflows/definitions';
import { waitFor } from '../support/waitFor';
import { FAST_GATEWAY, keepHistory, useSagaHarnesses } from './sagaHarness';

// The second gateway answers `tok_late` after 3 s and `tok_silent` after 14 s; its orders give up after
// 10 s (attempts of 2 s): a late answer outlives an attempt, a silent one outlives the saga's patience.
const [saga, slowGateway] = useSagaHarnesses({}, { gateway: { lateMs: 3_000, silentMs: 14_000 } });
const HURRIED = { paymentGiveUpSeconds: 10 };

async function completeOrder(token: string, history?: string, on = saga, overrides = {}) {
  const order = await on.order([{ drink: 'mocha' }], { paymentToken: token, ...overrides });
  return on.run(async () => {
    const { handle } = await on.start(order);
    await waitFor(async () => (await handle.query(statusQuery)).status === 'READY', {
      timeoutMs: 30_000,
    });
    await handle.signal(pickUpSignal);
    const outcome = await handle.result();
    if (history) await keepHistory(history, handle);
    return { order, handle, outcome, status: await handle.query(statusQuery) };
  });
}

async function failedOrder(token: string, history: string, on = saga, overrides = {}) {
  const order = await on.order([{ drink: 'tea' }], { paymentToken: token, ...overrides });
  return on.run(async () => {
    const { handle } = await on.start(order);
    const outcome = await handle.result();
    await keepHistory(history, handle);
    return { order, outcome, status: await handle.query(statusQuery) };
  });
}

/** From the authorization's (last) start to its completion, by the server's clock. */
async function authorizeMillis(handle: WorkflowHandle): Promise<number> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = events.find(
    (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'authorizePayment',
  );
  const byScheduled = (attributes?: { scheduledEventId?: unknown } | null) =>
    attributes != null && String(attributes.scheduledEventId) === String(scheduled?.eventId);
  const millis = (event?: (typeof events)[number]) =>
    Number(String(event?.eventTime?.seconds ?? 0)) * 1000 + Math.floor((event?.eventTime?.nanos ?? 0) / 1e6);
  const started = events.find((event) => byScheduled(event.activityTaskStartedEventAttributes));
  const completed = events.find((event) => byScheduled(event.activityTaskCompletedEventAttributes));
  return millis(completed) - millis(started);
}

test('a declined card rejects the order: PaymentDeclined, OrderRejected, nothing held, nothing brewed', async () => {
  const order = await saga.order([{ drink: 'latte' }], { paymentToken: SAGA_PATHS.declinedCard.token });
  const { outcome, status } = await saga.run(async () => {
    const { handle } = await saga.start(order);
    const outcome = await handle.result();
    await keepHistory('declined', handle);
    return { outcome, status: await handle.query(statusQuery) };
  });
  expect(outcome.status).toBe('REJECTED');
  expect(await saga.eventTypes(order.orderId)).toEqual(SAGA_PATHS.declinedCard.events);
  // A decline is an answer, not an outage: one attempt, and the void compensation is dropped unrun.
  expect(status).toMatchObject({
    attempts: { authorizePayment: 1 },
    compensationsRun: [],
    compensationsPending: [],
  });
  const [, declined] = await saga.store.readStream(`order-${order.orderId}`);
  expect(declined!.data).toMatchObject({ reason: 'card declined by issuer' });
  expect(await saga.gateway.balance(order.orderId)).toEqual({ held: 0, taken: 0 });
});

test('a flaky card is held and captured exactly once, although its first answers were lost', async () => {
  const { order, outcome, status } = await completeOrder(SAGA_PATHS.flakyCard.token, 'flakyCard');
  expect(outcome.status).toBe('COMPLETED');
  expect(await saga.eventTypes(order.orderId)).toEqual(SAGA_PATHS.happy.events);
  expect(status.attempts.authorizePayment).toBe(3);
  const payments = await saga.gateway.book.payments(order.orderId);
  expect(payments).toEqual([
    expect.objectContaining({ status: 'captured', amount: { amount: 500, currency: 'USD' } }),
  ]);
  expect(await saga.gateway.balance(order.orderId)).toEqual({ held: 0, taken: 500 });
});

test('a slow card is waited for, not retried', async () => {
  const { order, handle, outcome, status } = await completeOrder(SAGA_PATHS.slowCard.token, 'slowCard');
  expect(outcome.status).toBe('COMPLETED');
  expect(await saga.eventTypes(order.orderId)).toEqual(SAGA_PATHS.happy.events);
  expect(status.attempts.authorizePayment).toBe(1);
  // The card really was slow: its one authorization took the simulator's delay (else this proves nothing).
  expect(await authorizeMillis(handle)).toBeGreaterThanOrEqual(FAST_GATEWAY.slowMs! - 50);
});

test('a gateway never reached fails the order at the give-up, voiding the key: nothing held, nothing taken', async () => {
  const { order, outcome, status } = await failedOrder('tok_unavailable', 'gatewayDown');
  expect(outcome.status).toBe('FAILED');
  expect(await saga.eventTypes(order.orderId)).toEqual(['OrderPlaced', 'AuthorizationVoided', 'OrderFailed']);
  expect(status.attempts.authorizePayment).toBeGreaterThan(5);
  expect(status.compensationsRun).toEqual(['voidPayment']);
  const events = await saga.store.readStream(`order-${order.orderId}`);
  expect(events[1]!.data).toMatchObject({ amount: { amount: 0, currency: 'USD' } });
  expect(events[2]!.data.reason).toMatch(/^payment failed: /);
  // The void left a tombstone under the key: an authorization arriving now would be refused.
  expect(await saga.gateway.lookup(`order-${order.orderId}/authorize`)).toMatchObject({ status: 'voided' });
});

test('an answer that comes after the attempt timed out is found by the next attempt: held once, captured once', async () => {
  const { order, outcome, status } = await completeOrder('tok_late', 'lateAnswer', slowGateway, HURRIED);
  expect(outcome.status).toBe('COMPLETED');
  expect(await slowGateway.eventTypes(order.orderId)).toEqual(SAGA_PATHS.happy.events);
  // The first attempt (2 s) stopped at its deadline; a later one got the answer that landed at 3 s.
  expect(status.attempts.authorizePayment).toBeGreaterThanOrEqual(2);
  expect(await slowGateway.gateway.book.payments(order.orderId)).toEqual([
    expect.objectContaining({ status: 'captured' }),
  ]);
  expect(await slowGateway.gateway.balance(order.orderId)).toEqual({ held: 0, taken: 500 });
});

test('a gateway that answers every call twice still holds and captures once', async () => {
  const { order, outcome } = await completeOrder('tok_twice', 'answeredTwice');
  expect(outcome.status).toBe('COMPLETED');
  const events = await saga.eventTypes(order.orderId);
  expect(events).toEqual(SAGA_PATHS.happy.events);
  expect(saga.gateway.calls(`order-${order.orderId}/authorize#authorize`)).toBe(2);
  expect(await saga.gateway.book.payments(order.orderId)).toHaveLength(1);
  expect(await saga.gateway.balance(order.orderId)).toEqual({ held: 0, taken: 500 });
});

test('a gateway that never answers in time: the saga voids the key at the give-up, and the late answer is refused', async () => {
  const { order, outcome, status } = await failedOrder(
    'tok_silent',
    'silentGatewayVoided',
    slowGateway,
    HURRIED,
  );
  expect(outcome.status).toBe('FAILED');
  expect(await slowGateway.eventTypes(order.orderId)).toEqual(SAGA_PATHS.gatewaySlowerThanGiveUp.events);
  expect(status.compensationsRun).toEqual(['voidPayment']);
  const key = `order-${order.orderId}/authorize`;
  expect(await slowGateway.gateway.lookup(key)).toMatchObject({
    status: 'voided',
    voidedWhileProcessing: true,
  });
  // The authorization lands 14 s after it was asked for: on a voided key, so it is refused, never held.
  const landed = (await slowGateway.gateway.lookup(key))!.settlesAtMs!;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, landed - Date.now()) + 200));
  expect(await slowGateway.gateway.lookup(key)).toMatchObject({ status: 'voided' });
  expect(await slowGateway.gateway.balance(order.orderId)).toEqual({ held: 0, taken: 0 });
  const retry = { paymentKey: key, orderId: order.orderId, token: 'tok_silent', amount: order.total };
  await expect(slowGateway.gateway.authorize(retry)).rejects.toBeInstanceOf(PaymentRefusedError);
}, 60_000);
