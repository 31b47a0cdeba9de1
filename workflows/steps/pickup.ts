import { condition } from '@temporalio/workflow';
import type { OrderTicket } from '../ticket';
import { writeOffDrinks } from './brewing';

/**
 * The drinks are ready: nothing is undone any more, only written off. Waits for the customer up to the
 * pickup window; nobody came → the drinks are written off, and since they were paid for, no refund.
 */
export async function awaitPickup(t: OrderTicket): Promise<void> {
  const { orderId, order, saga, journal } = t;
  t.compensations.settle();
  saga.step = 'awaiting_pickup';
  const windowMs = order.pickupWindowSeconds * 1000;
  const pickupDeadline = new Date(Date.now() + windowMs).toISOString();
  await journal.record([{ type: 'OrderReady', data: { orderId, at: t.at(), pickupDeadline } }]);
  if (await condition(() => saga.pickedUp, windowMs)) {
    saga.step = 'finishing';
    const position = await journal.record([
      { type: 'OrderPickedUp', data: { orderId, at: t.at() } },
      { type: 'OrderCompleted', data: { orderId, at: t.at() } },
    ]);
    saga.completed = { orderId, status: 'COMPLETED', position };
    return;
  }
  saga.step = 'writing_off';
  const discarded = await writeOffDrinks(t, 'not_picked_up');
  await journal.record([discarded, { type: 'OrderAbandoned', data: { orderId, at: t.at() } }]);
}
