import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { expect, test } from 'vitest';
import { SAGA_PATHS } from '../../simulators/sagaPaths';
import { cancelRejectionOf } from '../../workflows/client';
import { cancelUpdate, pickUpSignal, statusQuery } from '../../workflows/definitions';
import { waitFor } from '../support/waitFor';
import { keepHistory, useSagaHarness } from './sagaHarness';

// A latte takes 3 s here: long enough to cancel one mid-brew.
const saga = useSagaHarness({ machine: { brewScale: 0.05, tickMs: 100 } });

/** A cancel mid-brew undoes both steps: the drinks are written off, then the hold voided (never charged). */
const CANCELLED_WHILE_BREWING = SAGA_PATHS.cancelWhileBrewing.events;

test('cancelling while brewing stops the machine, writes the drinks off, voids the hold (no refund) and cancels the order', async () => {
  const order = await saga.order([{ drink: 'latte', quantity: 3 }]);
  const { result, outcome, history, status } = await saga.run(async () => {
    const { handle } = await saga.start(order);
    await waitFor(async () => (await handle.query(statusQuery)).step === 'brewing');
    const result = await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'changed my mind' }] });
    const outcome = await handle.result();
    await keepHistory('cancelWhileBrewing', handle);
    return { result, outcome, history: await handle.fetchHistory(), status: await handle.query(statusQuery) };
  });
  expect(outcome.status).toBe('CANCELLED');
  expect(await saga.eventTypes(order.orderId)).toEqual(CANCELLED_WHILE_BREWING);
  const events = await saga.store.readStream(`order-${order.orderId}`);
  expect(result).toEqual({ orderId: order.orderId, status: 'CANCELLED', position: events.at(-1)!.position });
  expect(events.at(-1)!.data).toMatchObject({ reason: 'changed my mind' });
  expect(events.find((event) => event.type === 'DrinkDiscarded')!.data).toMatchObject({
    reason: 'cancelled',
  });
  expect(status.compensationsRun).toEqual(['discardDrinks', 'voidPayment']);
  // The brew activity itself was cancelled (and acknowledged it) before the write-off ran.
  expect(history.events!.some((event) => event.activityTaskCanceledEventAttributes)).toBe(true);
  expect(saga.machine.brewed()).toBeLessThan(3);
  expect(events.find((event) => event.type === 'AuthorizationVoided')!.data).toMatchObject({
    amount: { amount: 1350, currency: 'USD' },
  });
  expect(await saga.gateway.book.payments(order.orderId)).toEqual([
    expect.objectContaining({ status: 'voided', voidedHeld: 1350 }),
  ]);
  expect(await saga.gateway.balance(order.orderId)).toEqual({ held: 0, taken: 0 });
});

test('a cancel after the drinks are ready is rejected by the validator, and the order completes', async () => {
  const order = await saga.order([{ drink: 'espresso' }]);
  const { error, outcome } = await saga.run(async () => {
    const { handle } = await saga.start(order);
    await waitFor(async () => (await handle.query(statusQuery)).status === 'READY');
    const error = await handle.executeUpdate(cancelUpdate, { args: [{}] }).catch((caught: unknown) => caught);
    await handle.signal(pickUpSignal);
    const outcome = await handle.result();
    await keepHistory('cancelTooLate', handle);
    return { error, outcome };
  });
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  expect(cancelRejectionOf(error)).toBe('TooLateToCancel');
  expect(outcome.status).toBe('COMPLETED');
  expect(await saga.eventTypes(order.orderId)).toEqual(SAGA_PATHS.happy.events);
});

test('drinks not picked up within the window are written off: captured, no refund, in seconds of wall time', async () => {
  const order = await saga.order([{ drink: 'espresso' }], { pickupWindowSeconds: 30 * 60 });
  const started = Date.now();
  const outcome = await saga.run(async () => {
    const { handle } = await saga.start(order);
    const outcome = await handle.result();
    await keepHistory('pickupExpired', handle);
    return outcome;
  });
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(outcome.status).toBe('ABANDONED');
  expect(await saga.eventTypes(order.orderId)).toEqual(SAGA_PATHS.abandoned.events);
  const events = await saga.store.readStream(`order-${order.orderId}`);
  const ready = events.find((event) => event.type === 'OrderReady')!;
  const abandoned = events.find((event) => event.type === 'OrderAbandoned')!;
  // Thirty minutes passed in the workflow's clock.
  expect(
    Date.parse(abandoned.data.at as string) - Date.parse(ready.data.at as string),
  ).toBeGreaterThanOrEqual(30 * 60 * 1000);
  expect(events.find((event) => event.type === 'DrinkDiscarded')!.data).toMatchObject({
    reason: 'not_picked_up',
  });
  // The shop keeps the money of drinks nobody collected.
  expect(await saga.gateway.balance(order.orderId)).toEqual({ held: 0, taken: order.total.amount });
});

test('a cancel during a slow authorization lets it finish, then voids the hold', async () => {
  const order = await saga.order([{ drink: 'latte' }], { paymentToken: 'tok_slow' });
  const outcome = await saga.run(async () => {
    const { handle } = await saga.start(order);
    await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'wrong order' }] });
    return handle.result();
  });
  expect(outcome.status).toBe('CANCELLED');
  // The slow authorization was already under way: it is allowed to finish, then voided.
  expect(await saga.eventTypes(order.orderId)).toEqual([
    'OrderPlaced',
    'PaymentAuthorized',
    'AuthorizationVoided',
    'OrderCancelled',
  ]);
  expect(await saga.gateway.balance(order.orderId)).toEqual({ held: 0, taken: 0 });
});

test('an operator cancelling the workflow itself gets the same undo: write-off, void, OrderCancelled', async () => {
  const order = await saga.order([{ drink: 'latte', quantity: 2 }]);
  const error = await saga.run(async () => {
    const { handle } = await saga.start(order);
    await waitFor(async () => (await handle.query(statusQuery)).step === 'brewing');
    await handle.cancel();
    const error = await handle.result().catch((caught: unknown) => caught);
    await keepHistory('operatorCancel', handle);
    return error;
  });
  expect(error).toBeInstanceOf(WorkflowFailedError);
  expect(await saga.eventTypes(order.orderId)).toEqual(CANCELLED_WHILE_BREWING);
  const events = await saga.store.readStream(`order-${order.orderId}`);
  expect(events.at(-1)!.data).toMatchObject({ reason: 'cancelled by operator' });
});

test('an operator cancelling during a slow authorization is a customer cancel too: the hold lands, is voided, nothing brews', async () => {
  const order = await saga.order([{ drink: 'latte' }], { paymentToken: 'tok_slow' });
  const brewedBefore = saga.machine.brewed();
  const error = await saga.run(async () => {
    const { handle } = await saga.start(order);
    await handle.cancel();
    return handle.result().catch((caught: unknown) => caught);
  });
  expect(error).toBeInstanceOf(WorkflowFailedError);
  expect(await saga.eventTypes(order.orderId)).toEqual([
    'OrderPlaced',
    'PaymentAuthorized',
    'AuthorizationVoided',
    'OrderCancelled',
  ]);
  expect(saga.machine.brewed()).toBe(brewedBefore);
  const events = await saga.store.readStream(`order-${order.orderId}`);
  expect(events.at(-1)!.data).toMatchObject({ reason: 'cancelled by operator' });
});
