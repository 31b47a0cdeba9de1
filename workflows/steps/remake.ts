import type { DrinkRejected } from '../../domain';
import { remakeBrew } from '../activities';
import type { OrderOutcome } from '../definitions';
import { failureReason, noteFailedAttempt } from '../failures';
import type { OrderTicket } from '../ticket';
import { writeOffDrinks } from './brewing';
import { finish } from './endings';
import { REFUND, returnTheMoney } from './payment';

/**
 * The customer sent the drinks back (the source's "retry: we remake it to your liking"): the fact is
 * recorded, the drinks written off, and they are brewed again with their own idempotency key. Past
 * `maxRemakes`, or when the remake fails, the order fails and the money goes back. Resolves with the
 * outcome when the order ended here, undefined when the remade drinks are ready to serve.
 */
export async function remakeDrinks(t: OrderTicket): Promise<OrderOutcome | undefined> {
  const { orderId, saga, journal } = t;
  const request = saga.rejection!;
  const rejection = journal.state.rejections + 1;
  const { maxRemakes } = saga;
  const remake = rejection <= maxRemakes ? rejection : null;
  saga.step = 'remaking';
  journal.round = `rejected-${rejection}`;
  const by = request.by ?? 'customer';
  const rejected: DrinkRejected = {
    type: 'DrinkRejected',
    data: {
      orderId,
      at: t.at(),
      reason: request.reason,
      ...(request.reasonRef ? { reasonRef: request.reasonRef } : {}),
      rejection,
      maxRemakes,
      by,
    },
  };
  const position = await journal.record([rejected]);
  saga.rejected = { orderId, rejection, remake, maxRemakes, status: remake ? 'BREWING' : 'FAILED', position };
  saga.rejection = null;
  await journal.record([await writeOffDrinks(t, 'rejected', `discard/rejected-${rejection}`)]);
  if (remake === null)
    return failRemake(
      t,
      // The customer's words stay in the vault: the failure says only what happened.
      `drinks sent back ${rejection} times, more than the ${maxRemakes} remakes allowed`,
    );

  journal.round = `remake-${remake}`;
  await journal.record([{ type: 'BrewingStarted', data: { orderId, at: t.at(), drinks: t.drinks, remake } }]);
  saga.step = 'brewing';
  try {
    const request = { orderId, items: t.order.items, idempotencyKey: t.key(`brew/remake-${remake}`) };
    const made = await remakeBrew(t.order, remake, maxRemakes)(request);
    saga.batchIds = saga.attempted('brewDrinks', made).batchIds ?? [];
    return undefined;
  } catch (error) {
    noteFailedAttempt(error, saga.attempts);
    // What the machine made of the remake goes down the drain, as with a failed first brew.
    return failRemake(t, `remake ${remake} of ${maxRemakes} failed: ${failureReason(error)}`, true);
  }
}

/** No drinks to serve: give the money back (through the saga's compensations) and fail the order. */
async function failRemake(t: OrderTicket, reason: string, writeOff = false): Promise<OrderOutcome> {
  const { orderId, saga, journal } = t;
  saga.step = 'compensating';
  saga.unwinding = 'brew_failed';
  // Last in, first out: the write-off, then the money back.
  t.compensations.add(REFUND, () => returnTheMoney(t));
  if (writeOff)
    t.compensations.add('discardDrinks', async () => {
      await journal.record([await writeOffDrinks(t, 'brew_failed')]);
    });
  await t.compensations.runAll();
  await t.journal.record([{ type: 'OrderFailed', data: { orderId, at: t.at(), reason } }]);
  return finish(t);
}
