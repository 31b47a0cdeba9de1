import { afterEach, beforeEach, expect, test } from 'vitest';
import { type OrderEvent, orderStreamId } from '../../../domain/events';
import { baristaQueue, getBaristaQueue, getOrderSummary, orderSummary } from '../../../projections';
import { sagaEvents, toNewEvent } from '../../../simulators/simulatedOrders';
import { type ProjectionsDatabase, project, projectionsDatabase } from './support';

let db: ProjectionsDatabase;
beforeEach(async () => {
  db = await projectionsDatabase();
});
afterEach(() => db.drop());

const orderId = 'sent-back';
const at = '2026-11-24T09:30:00.000Z';
const deadline = '2026-11-24T10:00:00.000Z';
const ev = (type: OrderEvent['type'], data: object) =>
  ({ type, data: { orderId, at, ...data } }) as OrderEvent;

async function given(events: OrderEvent[]): Promise<void> {
  await db.store.append(orderStreamId(orderId), 'any', events.map(toNewEvent));
  await project(db.pool, orderSummary.projection({ notify: false }));
  await project(db.pool, baristaQueue.projection());
}

test('a drink sent back goes back on the barista queue, and the order counts its remake and batch', async () => {
  const ready = sagaEvents({ orderId, path: 'awaitingPickup' });
  await given([
    ...ready,
    ev('DrinkRejected', { reason: 'too cold', rejection: 1, maxRemakes: 2, by: 'customer' }),
    ev('DrinkDiscarded', { drinks: 2, reason: 'rejected' }),
  ]);
  expect((await getBaristaQueue(db.pool)).toBrew).toEqual([
    expect.objectContaining({ orderId, stage: 'queued', remake: 0, readyAt: null }),
  ]);
  expect(await getOrderSummary(db.pool, orderId)).toMatchObject({
    status: 'READY',
    rejections: 1,
    remakes: 0,
  });

  await given([ev('BrewingStarted', { drinks: 2, remake: 1 })]);
  expect((await getBaristaQueue(db.pool)).toBrew).toEqual([
    expect.objectContaining({ orderId, stage: 'brewing', remake: 1 }),
  ]);

  await given([ev('OrderReady', { pickupDeadline: deadline, batchIds: ['batch-1a2b3c4d'] })]);
  expect((await getBaristaQueue(db.pool)).awaitingPickup).toEqual([
    expect.objectContaining({ orderId, stage: 'ready', remake: 1, pickupDeadline: deadline }),
  ]);
  expect(await getOrderSummary(db.pool, orderId)).toMatchObject({
    status: 'READY',
    rejections: 1,
    remakes: 1,
    batchIds: ['batch-1a2b3c4d'],
    pickupDeadline: deadline,
  });
});

test('orders from before remakes and batches read with none of either', async () => {
  await given(sagaEvents({ orderId, path: 'completed' }));
  expect(await getOrderSummary(db.pool, orderId)).toMatchObject({
    status: 'COMPLETED',
    rejections: 0,
    remakes: 0,
    batchIds: [],
  });
});
