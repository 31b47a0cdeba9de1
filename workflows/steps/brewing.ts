import type { DrinkDiscarded } from '../../domain';
import type { OrderTicket } from '../ticket';
import type { Paid } from './payment';

/** Paid and handed to the baristas in one append (one round trip fewer on every order); registers the write-off first. */
export async function startBrewing(t: OrderTicket, charged: Paid): Promise<void> {
  const { orderId, drinks, saga, journal } = t;
  t.compensations.add('discardDrinks', async () => {
    await journal.record([await writeOffDrinks(t, saga.unwinding ?? 'brew_failed')]);
  });
  await journal.record([charged, { type: 'BrewingStarted', data: { orderId, at: t.at(), drinks } }]);
}

/** The barista makes the drinks; a cancel stops the machine mid-drink. */
export async function brew(t: OrderTicket): Promise<void> {
  const { orderId, order, saga } = t;
  saga.step = 'brewing';
  try {
    const request = { orderId, items: order.items, idempotencyKey: t.key('brew') };
    saga.batchIds = saga.attempted('brewDrinks', await t.shop.brewDrinks(request)).batchIds ?? [];
  } finally {
    // An accepted cancel (the customer got a 202) wins however the brew ended: made, cancelled, or
    // timed out because its barista died before hearing of the cancel.
    saga.stopIfCancelled();
  }
}

/** Writes off the drinks made (or being made): no cancel interrupts a write-off once begun. */
export const writeOffDrinks = (
  { orderId, drinks, saga, shop, key, at, shielded }: OrderTicket,
  reason: DrinkDiscarded['data']['reason'],
  step = 'discard',
): Promise<DrinkDiscarded> =>
  shielded(async () => {
    const input = { orderId, drinks, reason, idempotencyKey: key(step) };
    const { drinks: discarded } = saga.attempted('discardDrinks', await shop.discardDrinks(input));
    return { type: 'DrinkDiscarded', data: { orderId, at: at(), drinks: discarded, reason } };
  });
