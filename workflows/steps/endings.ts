import { allHandlersFinished, condition } from '@temporalio/workflow';
import type { OrderOutcome } from '../definitions';
import { failureReason } from '../failures';
import type { OrderTicket } from '../ticket';

/** The card was declined: no money was taken, so there is nothing to undo. */
export async function rejectOrder(t: OrderTicket, error: unknown): Promise<OrderOutcome> {
  const { orderId, at } = t;
  const reason = failureReason(error);
  await t.journal.record([
    { type: 'PaymentDeclined', data: { orderId, at: at(), reason } },
    { type: 'OrderRejected', data: { orderId, at: at(), reason: `payment declined: ${reason}` } },
  ]);
  return finish(t);
}

/** A step failed for good (the machine, or the gateway for five minutes): undo what was done, last first. */
export async function failOrder(t: OrderTicket, error: unknown): Promise<OrderOutcome> {
  const reason = failureReason(error);
  t.saga.step = 'compensating';
  t.saga.unwinding = 'brew_failed';
  await t.compensations.runAll();
  await t.journal.record([{ type: 'OrderFailed', data: { orderId: t.orderId, at: t.at(), reason } }]);
  return finish(t);
}

/** The customer (or an operator) cancelled before the drinks were ready: undo, last first. */
export async function cancelOrder(t: OrderTicket): Promise<OrderOutcome> {
  const { orderId, saga } = t;
  saga.cancel ??= { reason: 'cancelled by operator' };
  saga.step = 'compensating';
  saga.unwinding = 'cancelled';
  await t.compensations.runAll();
  const { reason = 'cancelled by customer', reasonRef } = saga.cancel;
  const position = await t.journal.record([
    { type: 'OrderCancelled', data: { orderId, at: t.at(), reason, ...(reasonRef ? { reasonRef } : {}) } },
  ]);
  saga.cancelled = { orderId, status: 'CANCELLED', position };
  return finish(t);
}

/** The story is over once every customer's update has had its answer. */
export async function finish({ orderId, saga, journal }: OrderTicket): Promise<OrderOutcome> {
  saga.step = 'done';
  await condition(allHandlersFinished);
  return { orderId, status: saga.status, events: journal.version, lastPosition: journal.lastPosition! };
}
