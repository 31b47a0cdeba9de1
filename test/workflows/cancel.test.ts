import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { expect, test } from 'vitest';
import { cancelRejectionOf } from '../../workflows/client';
import { cancelUpdate, pickUpSignal, statusQuery } from '../../workflows/definitions';
import { COMPLETED_ORDER_EVENTS } from '../support/orderPaths';
import { keepHistory, useSagaHarness, waitFor } from './sagaHarness';

// A latte takes 3 s here: long enough to cancel one mid-brew.
const saga = useSagaHarness({ machine: { brewScale: 0.05, tickMs: 100 } });

/** A cancel mid-brew undoes both steps: the drinks are written off, then the charge refunded. */
const CANCELLED_WHILE_BREWING = [
  'OrderPlaced',
  'PaymentCharged',
  'BrewingStarted',
  'DrinkDiscarded',
  'PaymentRefunded',
  'OrderCancelled',
];

test('cancelling while brewing stops the machine, writes the drinks off, refunds and cancels the order', async () => {
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
  expect(status.compensationsRun).toEqual(['discardDrinks', 'refundPayment']);
  // The brew activity itself was cancelled (and acknowledged it) before the write-off ran.
  expect(history.events!.some((event) => event.activityTaskCanceledEventAttributes)).toBe(true);
  expect(saga.machine.brewed()).toBeLessThan(3);
  const ledger = await saga.gateway.ledger.entries(order.orderId);
  expect(ledger.map((entry) => [entry.kind, entry.amount.amount])).toEqual([
    ['charge', 1350],
    ['refund', 1350],
  ]);
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
  expect(await saga.eventTypes(order.orderId)).toEqual(COMPLETED_ORDER_EVENTS);
});

test('drinks not picked up within the window are written off without refund, in seconds of wall time', async () => {
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
  expect(await saga.eventTypes(order.orderId)).toEqual([
    'OrderPlaced',
    'PaymentCharged',
    'BrewingStarted',
    'OrderReady',
    'DrinkDiscarded',
    'OrderAbandoned',
  ]);
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
  expect((await saga.gateway.ledger.entries(order.orderId)).map((entry) => entry.kind)).toEqual(['charge']);
});

test('a cancel during a slow charge lets the charge finish, then refunds it', async () => {
  const order = await saga.order([{ drink: 'latte' }], { paymentToken: 'tok_slow' });
  const outcome = await saga.run(async () => {
    const { handle } = await saga.start(order);
    await handle.executeUpdate(cancelUpdate, { args: [{ reason: 'wrong order' }] });
    return handle.result();
  });
  expect(outcome.status).toBe('CANCELLED');
  // The slow charge was already under way: it is allowed to finish, then refunded.
  expect(await saga.eventTypes(order.orderId)).toEqual([
    'OrderPlaced',
    'PaymentCharged',
    'PaymentRefunded',
    'OrderCancelled',
  ]);
});

test('an operator cancelling the workflow itself gets the same undo: write-off, refund, OrderCancelled', async () => {
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

test('an operator cancelling during a slow charge is a customer cancel too: the charge finishes, is refunded, nothing brews', async () => {
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
    'PaymentCharged',
    'PaymentRefunded',
    'OrderCancelled',
  ]);
  expect(saga.machine.brewed()).toBe(brewedBefore);
  const events = await saga.store.readStream(`order-${order.orderId}`);
  expect(events.at(-1)!.data).toMatchObject({ reason: 'cancelled by operator' });
});
