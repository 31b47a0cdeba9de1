import { orderLinks } from '../links';
import type { DrinkRejection, OrderCommands } from '../ports';
import { tagOrder } from '../requestContext';

export interface RejectDrink {
  orderId: string;
  rejection: DrinkRejection;
  correlationId: string;
}

/** POST /orders/:id/reject: the saga decides (OrderNotFound, CommandRefused unless the drinks are READY). */
export async function rejectDrink(commands: OrderCommands, command: RejectDrink) {
  tagOrder(command.orderId);
  const outcome = await commands.rejectDrink(command.orderId, command.rejection, command.correlationId);
  return { orderId: command.orderId, ...outcome, links: orderLinks(command.orderId) };
}
