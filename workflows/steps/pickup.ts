import { condition } from '@temporalio/workflow';
import type { OrderEvent } from '../../domain';
import type { OrderTicket } from '../ticket';
import { writeOffDrinks } from './brewing';

/**
 * The drinks are ready: nothing is undone any more, only written off. Waits for the customer up to the
 * pickup window; nobody came → the drinks are written off, and since they were paid for, no refund.
 * Answers `sent_back` when the customer rejected the drinks instead (see steps/remake.ts).
 */
export async function awaitPickup(t: OrderTicket): Promise<'served' | 'sent_back'> {
  const { orderId, order, saga, journal } = t;
  t.compensations.settle();
  saga.step = 'awaiting_pickup';
  // Orders that reached READY on the code before remakes replay without it: their drinks cannot go back.
  saga.remakesAllowed = t.has('remake');
  const windowMs = order.pickupWindowSeconds * 1000;
  const pickupDeadline = new Date(Date.now() + windowMs).toISOString();
  const batchIds = saga.batchIds.length > 0 ? { batchIds: saga.batchIds } : {};
  const ready: OrderEvent = {
    type: 'OrderReady',
    data: { orderId, at: t.at(), pickupDeadline, ...batchIds },
  };
  // The customer already at the counter takes the drinks as they come out: one append for the three facts.
  if (saga.readyInOneAppend && saga.pickedUp) return served(t, [ready]);
  await journal.record([ready]);
  if (await condition(() => saga.pickedUp || saga.rejection !== null, windowMs)) {
    if (!saga.pickedUp) return 'sent_back';
    return served(t);
  }
  saga.step = 'writing_off';
  const discarded = await writeOffDrinks(t, 'not_picked_up');
  await journal.record([discarded, { type: 'OrderAbandoned', data: { orderId, at: t.at() } }]);
  return 'served';
}

/** Picked up: recorded (after `before`, when the drinks came out this very moment) and the order completed. */
async function served(
  { orderId, saga, journal, at }: OrderTicket,
  before: OrderEvent[] = [],
): Promise<'served'> {
  saga.step = 'finishing';
  const position = await journal.record([
    ...before,
    { type: 'OrderPickedUp', data: { orderId, at: at() } },
    { type: 'OrderCompleted', data: { orderId, at: at() } },
  ]);
  saga.completed = { orderId, status: 'COMPLETED', position };
  return 'served';
}
