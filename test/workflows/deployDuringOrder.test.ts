import { expect, test } from 'vitest';
import { AUTHORIZE_CAPTURE_PATCH, LEGACY_ORDER_SAGA_WORKFLOW } from '../../workflows/contract';
import { pickUpSignal, statusQuery } from '../../workflows/definitions';
import { waitFor } from '../support/waitFor';
import { chargeRefundBundle } from './legacy/chargeRefundBundle';
import { keepHistory, useSagaHarness } from './sagaHarness';

// Orders in flight when authorize/capture is deployed: started by a worker running the charge/refund
// saga, finished by one running today's. They must keep charging and refunding, never capture or void.
// They run as the first workflow type (`orderSaga`), whose changes are decided by patch markers.
const saga = useSagaHarness();
const hasPatchMarker = (history: unknown) => JSON.stringify(history).includes(AUTHORIZE_CAPTURE_PATCH);

test('an order charged by the old saga and finished by the new one completes without a capture', async () => {
  const order = await saga.order([{ drink: 'latte' }]);
  const legacy = { workflowBundle: await chargeRefundBundle() };
  const handle = await saga.run(async () => {
    const { handle } = await saga.start(order, LEGACY_ORDER_SAGA_WORKFLOW);
    await waitFor(async () => (await handle.query(statusQuery)).status === 'READY');
    return handle;
  }, legacy);
  expect(hasPatchMarker(await handle.fetchHistory())).toBe(false);

  const outcome = await saga.run(async () => {
    await handle.signal(pickUpSignal);
    const outcome = await handle.result();
    await keepHistory('startedBeforeAuthorizeCapture', handle);
    return outcome;
  });
  expect(outcome.status).toBe('COMPLETED');
  expect(await saga.eventTypes(order.orderId)).toEqual([
    'OrderPlaced',
    'PaymentCharged',
    'BrewingStarted',
    'OrderReady',
    'OrderPickedUp',
    'OrderCompleted',
  ]);
  // Charged once by the old saga; the new one neither authorized nor captured anything.
  expect((await saga.gateway.ledger.entries(order.orderId)).map((entry) => entry.kind)).toEqual(['charge']);
  expect(await saga.gateway.book.payments(order.orderId)).toEqual([]);
});

test('an order charged by the old saga whose machine then fails on the new one is refunded, not voided', async () => {
  const order = await saga.order([{ drink: 'tea', machine: 'broken' }]);
  const legacy = { workflowBundle: await chargeRefundBundle() };
  const handle = await saga.run(async () => {
    const { handle } = await saga.start(order, LEGACY_ORDER_SAGA_WORKFLOW);
    await waitFor(async () => (await saga.eventTypes(order.orderId)).includes('BrewingStarted'));
    return handle;
  }, legacy);

  const { outcome, status } = await saga.run(async () => ({
    outcome: await handle.result(),
    status: await handle.query(statusQuery),
  }));
  expect(outcome.status).toBe('FAILED');
  expect(await saga.eventTypes(order.orderId)).toEqual([
    'OrderPlaced',
    'PaymentCharged',
    'BrewingStarted',
    'DrinkDiscarded',
    'PaymentRefunded',
    'OrderFailed',
  ]);
  expect(status.compensationsRun).toEqual(['discardDrinks', 'refundPayment']);
  const ledger = await saga.gateway.ledger.entries(order.orderId);
  expect(ledger.map((entry) => [entry.kind, entry.amount.amount])).toEqual([
    ['charge', order.total.amount],
    ['refund', order.total.amount],
  ]);
  expect(await saga.gateway.book.payments(order.orderId)).toEqual([]);
});
