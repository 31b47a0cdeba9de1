import { temporal } from '@temporalio/proto';
import { expect, test } from 'vitest';
import { foldOrder, type OrderEvent } from '../../domain';
import { SAGA_PATHS } from '../../simulators/sagaPaths';
import { LEGACY_ORDER_SAGA_WORKFLOW } from '../../workflows/contract';
import { pickUpSignal, statusQuery } from '../../workflows/definitions';
import { waitFor } from '../support/waitFor';
import { keepHistory, useSagaHarness } from './sagaHarness';

const saga = useSagaHarness();

test('an order is placed, held, brewed, captured, picked up and completed, each fact appended once in order', async () => {
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
      version: 7,
    });
    expect(status.attempts).toMatchObject({ authorizePayment: 1, brewDrinks: 1, capturePayment: 1 });
    return result;
  });

  expect(outcome).toMatchObject({ orderId: order.orderId, status: 'COMPLETED', events: 7 });
  const events = await saga.store.readStream(`order-${order.orderId}`);
  expect(events.map((event) => event.type)).toEqual(SAGA_PATHS.happy.events);
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
  // One payment at the gateway, captured: the customer paid exactly the order's total.
  expect(await saga.gateway.book.payments(order.orderId)).toEqual([
    expect.objectContaining({ status: 'captured', amount: { amount: 900, currency: 'USD' } }),
  ]);
  expect(await saga.gateway.balance(order.orderId)).toEqual({ held: 0, taken: 900 });
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
  expect(await saga.eventTypes(order.orderId)).toEqual(SAGA_PATHS.happy.events);
});

const { EventType } = temporal.api.enums.v1;

/** What a saga's history says about versioning and the Web UI: patch markers, and each upsert's keys and status. */
async function versioningTrail(handle: { fetchHistory(): Promise<temporal.api.history.v1.IHistory> }) {
  const events = (await handle.fetchHistory()).events ?? [];
  const markers = events
    .filter((event) => event.eventType === EventType.EVENT_TYPE_MARKER_RECORDED)
    .map((event) => event.markerRecordedEventAttributes!.markerName);
  const upserts = events
    .filter((event) => event.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
    .map((event) => event.upsertWorkflowSearchAttributesEventAttributes!.searchAttributes!.indexedFields!);
  const status = (fields: (typeof upserts)[number]) =>
    fields.OrderStatus ? JSON.parse(Buffer.from(fields.OrderStatus.data!).toString()) : undefined;
  return {
    markers: [...new Set(markers)],
    keys: [...new Set(upserts.flatMap(Object.keys))].sort(),
    statuses: upserts.map(status).filter(Boolean),
  };
}

test("a saga of today's type records no patch marker and upserts its status only when it changes", async () => {
  const order = await saga.order([{ drink: 'latte' }]);
  const handle = await saga.run(async () => {
    const { handle } = await saga.start(order);
    await handle.signal(pickUpSignal);
    await handle.result();
    return handle;
  });
  expect(await versioningTrail(handle)).toEqual({
    markers: ['core_local_activity'],
    keys: ['OrderNumber', 'OrderStatus'],
    statuses: ['PLACED', 'BREWING', 'COMPLETED'],
  });
});

test('a saga of the first type (in flight from before) still decides each change by its patch marker', async () => {
  const order = await saga.order([{ drink: 'latte' }]);
  const handle = await saga.run(async () => {
    const { handle } = await saga.start(order, LEGACY_ORDER_SAGA_WORKFLOW);
    await handle.signal(pickUpSignal);
    await handle.result();
    return handle;
  });
  const trail = await versioningTrail(handle);
  expect(trail.markers).toEqual(['core_patch', 'core_local_activity']);
  expect(trail.keys).toEqual(['OrderNumber', 'OrderStatus', 'TemporalChangeVersion']);
  expect(trail.statuses).toEqual(['PLACED', 'PLACED', 'BREWING', 'COMPLETED']);
  expect(await saga.eventTypes(order.orderId)).toEqual(SAGA_PATHS.happy.events);
});
