import { expect, test } from 'vitest';
import { SAGA_PATHS } from '../../simulators/sagaPaths';
import { pickUpSignal, statusQuery } from '../../workflows/definitions';
import { waitFor } from '../support/waitFor';
import { keepHistory, useSagaHarnesses } from './sagaHarness';

// The second harness's gateway fails its voids (and refunds) three times before one goes through.
const [saga, stubbornGateway] = useSagaHarnesses({}, { gateway: { refundFailures: 3 } });

const FAILED = SAGA_PATHS.machineBroken.events;

test('a broken machine, after its retries, writes the drinks off, voids the hold and fails the order', async () => {
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
    attempts: { authorizePayment: 1, brewDrinks: 3, discardDrinks: 1, voidPayment: 1 },
    compensationsRun: ['discardDrinks', 'voidPayment'],
    compensationsPending: [],
  });
  const events = await saga.store.readStream(`order-${order.orderId}`);
  const data = (type: string) => events.find((event) => event.type === type)!.data;
  expect(data('DrinkDiscarded')).toMatchObject({ drinks: 3, reason: 'brew_failed' });
  expect(data('AuthorizationVoided')).toMatchObject({ amount: { amount: 1180, currency: 'USD' } });
  expect(data('AuthorizationVoided').voidId).toMatch(/^vo_/);
  expect(data('OrderFailed').reason).toMatch(/^coffee machine failed: boiler failure on tea/);
  // The customer was never charged: the hold was released.
  expect(await saga.gateway.balance(order.orderId)).toEqual({ held: 0, taken: 0 });
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
  expect(await saga.eventTypes(order.orderId)).toEqual(SAGA_PATHS.happy.events);
});

test('a void that fails several times is retried until it succeeds, never swallowed', async () => {
  const order = await stubbornGateway.order([{ drink: 'flat_white', machine: 'broken' }]);
  const status = await stubbornGateway.run(async () => {
    const { handle } = await stubbornGateway.start(order);
    await handle.result();
    await keepHistory('voidRetried', handle);
    return handle.query(statusQuery);
  });
  expect(status).toMatchObject({ status: 'FAILED', attempts: { voidPayment: 4 } });
  expect(stubbornGateway.gateway.calls(`order-${order.orderId}/authorize#void`)).toBe(4);
  expect(await stubbornGateway.eventTypes(order.orderId)).toEqual(FAILED);
  expect(await stubbornGateway.gateway.book.payments(order.orderId)).toEqual([
    expect.objectContaining({ status: 'voided', voidedHeld: 470 }),
  ]);
});
