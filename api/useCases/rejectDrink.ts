import { personalRef } from '../../domain/personalData';
import { orderLinks } from '../links';
import type { DrinkRejection, OrderCommands, PersonalDataVault } from '../ports';
import { tagOrder } from '../requestContext';

export interface RejectDrink {
  orderId: string;
  rejection: DrinkRejection;
  correlationId: string;
}

/**
 * POST /orders/:id/reject: the saga decides (OrderNotFound, CommandRefused unless the drinks are READY).
 * Why the drink went back is the customer's own words, personal like a cancel reason: they go to the
 * vault (the latest one is kept), and the saga gets our words and a reference.
 */
export async function rejectDrink(
  commands: OrderCommands,
  command: RejectDrink,
  vault?: Pick<PersonalDataVault, 'keep'>,
) {
  const { orderId, correlationId } = command;
  const { reason: ownWords, by = 'customer' } = command.rejection;
  tagOrder(orderId);
  const rejection: DrinkRejection = { reason: `sent back by ${by}`, by };
  // An erased order keeps nothing new: it is sent back with our words only.
  if (ownWords && vault && (await vault.keep(orderId, { rejectReason: ownWords })))
    rejection.reasonRef = personalRef(orderId, 'rejectReason');
  const outcome = await commands.rejectDrink(orderId, rejection, correlationId);
  return { orderId, ...outcome, links: orderLinks(orderId) };
}
