import { personalRef } from '../../domain/personalData';
import { orderLinks } from '../links';
import type { OrderCommands, PersonalDataVault } from '../ports';
import { tagOrder } from '../requestContext';

export interface CancelOrder {
  orderId: string;
  reason?: string | undefined;
  correlationId: string;
}

/**
 * POST /orders/:id/cancel: the saga decides (OrderNotFound, CommandRefused once the drink is ready).
 * The customer's own words are personal: they go to the vault, and the saga gets a reference.
 */
export async function cancelOrder(
  commands: OrderCommands,
  command: CancelOrder,
  vault?: Pick<PersonalDataVault, 'keep'>,
) {
  const { orderId, reason, correlationId } = command;
  tagOrder(orderId);
  let reasonRef: string | undefined;
  // An erased order keeps nothing new: it is cancelled with our words only.
  if (reason && vault && (await vault.keep(orderId, { cancelReason: reason })))
    reasonRef = personalRef(orderId, 'cancelReason');
  const outcome = await commands.cancelOrder(orderId, reasonRef, correlationId);
  return { orderId, ...outcome, links: orderLinks(orderId) };
}
