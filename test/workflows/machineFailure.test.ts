import { expect, test } from 'vitest';
import { pickUpSignal, statusQuery } from '../../workflows/definitions';
import { COMPLETED_ORDER_EVENTS } from '../support/orderPaths';
import { keepHistory, useSagaHarnesses, waitFor } from './sagaHarness';

// The second harness's gateway fails its refunds three times before one goes through.
const [saga, stubbornGateway] = useSagaHarnesses({}, { gateway: { refundFailures: 3 } });

const FAILED = [
  'OrderPlaced',
  'PaymentCharged',
  'BrewingStarted',
  'DrinkDiscarded',
  'PaymentRefunded',
  'OrderFailed',
];

test('a broken machine, after its retries, writes the drinks off, refunds the charge and fails the order', async () => {
  const order = await saga.order([
    { drink: 'latte', quantity: 2 },
    { drink: 'tea', machine: 'broken' },
  ]);
  const { outcome, status } = await saga.run(async () => {
    const { handle } = await saga.start(order);
    const outcome = await handle.result();
    await keepHistory('machineBroken', handle);
    return { outcome, status: await handle.query(statusQuery) };
  });
  expect(outcome.status).toBe('FAILED');
  expect(await saga.eventTypes(order.orderId)).toEqual(FAILED);
  expect(status).toMatchObject({
    attempts: { chargePayment: 1, brewDrinks: 3, discardDrinks: 1, refundPayment: 1 },
    compensationsRun: ['discardDrinks', 'refundPayment'],
    compensationsPending: [],
  });
  const events = await saga.store.readStream(`order-${order.orderId}`);
  const data = (type: string) => events.find((event) => event.type === type)!.data;
  expect(data('DrinkDiscarded')).toMatchObject({ drinks: 3, reason: 'brew_failed' });
  expect(data('PaymentRefunded')).toMatchObject({ amount: { amount: 1180, currency: 'USD' } });
  expect(data('PaymentRefunded').refundId).toMatch(/^re_/);
  expect(data('OrderFailed').reason).toMatch(/^coffee machine failed: boiler failure on tea/);
  const ledger = await saga.gateway.ledger.entries(order.orderId);
  expect(ledger.map((entry) => [entry.kind, entry.amount.amount])).toEqual([
    ['charge', 1180],
    ['refund', 1180],
  ]);
});

test('a jammed machine clears after retries and the order completes', async () => {
  const order = await saga.order([{ drink: 'espresso', machine: 'jam' }]);
  const status = await saga.run(async () => {
    const { handle } = await saga.start(order);
    await waitFor(async () => (await handle.query(statusQuery)).status === 'READY');
    await handle.signal(pickUpSignal);
    await handle.result();
    await keepHistory('machineJam', handle);
    return handle.query(statusQuery);
  });
  expect(status).toMatchObject({ status: 'COMPLETED', attempts: { brewDrinks: 3 } });
  expect(await saga.eventTypes(order.orderId)).toEqual(COMPLETED_ORDER_EVENTS);
});

test('a refund that fails several times is retried until it succeeds, never swallowed', async () => {
  const order = await stubbornGateway.order([{ drink: 'flat_white', machine: 'broken' }]);
  const status = await stubbornGateway.run(async () => {
    const { handle } = await stubbornGateway.start(order);
    await handle.result();
    await keepHistory('refundRetried', handle);
    return handle.query(statusQuery);
  });
  expect(status).toMatchObject({ status: 'FAILED', attempts: { refundPayment: 4 } });
  expect(stubbornGateway.gateway.calls(`order-${order.orderId}/refund`)).toBe(4);
  expect(await stubbornGateway.eventTypes(order.orderId)).toEqual(FAILED);
  const refunds = (await stubbornGateway.gateway.ledger.entries(order.orderId)).filter(
    (e) => e.kind === 'refund',
  );
  expect(refunds).toEqual([expect.objectContaining({ amount: { amount: 470, currency: 'USD' } })]);
});
