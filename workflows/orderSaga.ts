import { isCancellation } from '@temporalio/workflow';
import type { OrderOutcome, OrderSagaInput } from './definitions';
import { isCardDeclined, noteFailedAttempt } from './failures';
import { brew, startBrewing } from './steps/brewing';
import { cancelOrder, failOrder, finish, rejectOrder } from './steps/endings';
import { type Paid, payForOrder, takePayment } from './steps/payment';
import { awaitPickup } from './steps/pickup';
import { remakeDrinks } from './steps/remake';
import { takeOrder } from './steps/takeOrder';
import { type OrderTicket, openTicket } from './ticket';

/** One order, told as a story: placed, paid for (a hold), brewed, paid (captured), picked up (or sent back and remade); or undone, step by step. */
export async function orderSaga(order: OrderSagaInput): Promise<OrderOutcome> {
  const ticket = openTicket(order);
  await takeOrder(ticket);
  try {
    const paid = await ticket.saga.payAndBrew.run(() => payAndBrew(ticket));
    await takePayment(ticket, paid);
  } catch (error) {
    if (isCancellation(error)) return await cancelOrder(ticket);
    noteFailedAttempt(error, ticket.saga.attempts);
    if (isCardDeclined(error)) return await rejectOrder(ticket, error);
    return await failOrder(ticket, error);
  }
  while ((await awaitPickup(ticket)) === 'sent_back') {
    const ended = await remakeDrinks(ticket);
    if (ended) return ended;
  }
  return await finish(ticket);
}

/** The part of the story a cancel can stop: each step registers its undo before it can be needed. */
async function payAndBrew(ticket: OrderTicket): Promise<Paid> {
  const { saga, journal } = ticket;
  saga.stopIfCancelled(); // nothing held yet, nothing to give back
  const charged = await payForOrder(ticket);
  if (saga.cancelRequested) {
    // Cancelled while the card was charged: the payment is a fact, then it is given back.
    await journal.record([charged]);
    saga.stopIfCancelled();
  }
  await startBrewing(ticket, charged);
  await brew(ticket);
  saga.tooLateToCancel = true;
  return charged;
}
