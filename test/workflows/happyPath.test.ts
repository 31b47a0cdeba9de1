import { expect, test } from 'vitest';
import { foldOrder, type OrderEvent } from '../../domain';
import { pickUpSignal, statusQuery } from '../../workflows/definitions';
import { COMPLETED_ORDER_EVENTS } from '../support/orderPaths';
import { keepHistory, useSagaHarness, waitFor } from './sagaHarness';

const saga = useSagaHarness();

test('an order is placed, paid, brewed, picked up and completed, each fact appended once in order', async () => {
  const order = await saga.order([{ drink: 'latte', quantity: 2 }]);
  const outcome = await saga.run(async () => {
    const { handle, placed } = await saga.start(order);
    expect(placed).toMatchObject({ orderId: order.orderId, status: 'PLACED' });
    const [first] = await saga.store.readStream(`order-${order.orderId}`);
    expect(placed.position).toBe(first!.position);

    await waitFor(async () => (await handle.query(statusQuery)).status === 'READY');
    await handle.signal(pickUpSignal);
    const result = await handle.result();
    await keepHistory('happyPath', handle);
    const status = await handle.query(statusQuery);
    expect(status).toMatchObject({
      status: 'COMPLETED',
      step: 'done',
      compensationsRun: [],
      compensationsPending: [],
      version: 6,
    });
    expect(status.attempts).toMatchObject({ chargePayment: 1, brewDrinks: 1 });
    return result;
  });

  expect(outcome).toMatchObject({ orderId: order.orderId, status: 'COMPLETED', events: 6 });
  const events = await saga.store.readStream(`order-${order.orderId}`);
  expect(events.map((event) => event.type)).toEqual(COMPLETED_ORDER_EVENTS);
  expect(events.at(-1)!.position).toBe(outcome.lastPosition);
  // Each event is caused by the one before it, all correlated by the order id.
  for (const [index, event] of events.entries()) {
    expect(event.metadata).toMatchObject({
      correlationId: order.orderId,
      workflowId: `order-${order.orderId}`,
    });
    expect(event.metadata.causationId).toBe(index === 0 ? undefined : events[index - 1]!.eventId);
  }
  const state = foldOrder(events.map((event) => ({ type: event.type, data: event.data }) as OrderEvent));
  expect(state).toMatchObject({
    status: 'COMPLETED',
    customerRef: `vault:${order.orderId}/customer`,
    total: { amount: 900, currency: 'USD' },
  });
  expect(await saga.gateway.ledger.entries(order.orderId)).toHaveLength(1);
});

test('with regular activities for appends (localAppends: false) the same facts are appended', async () => {
  const order = await saga.order([{ drink: 'cappuccino' }], { localAppends: false });
  const outcome = await saga.run(async () => {
    const { handle } = await saga.start(order);
    await handle.signal(pickUpSignal);
    const outcome = await handle.result();
    await keepHistory('happyPathRegularAppends', handle);
    return outcome;
  });
  expect(outcome.status).toBe('COMPLETED');
  expect(await saga.eventTypes(order.orderId)).toEqual(COMPLETED_ORDER_EVENTS);
});
