import { orderLinks } from '../links';
import type { OrderCommands } from '../ports';
import { tagOrder } from '../requestContext';

export interface PickUpOrder {
  orderId: string;
  correlationId: string;
}

/** POST /orders/:id/pickup: the saga decides (OrderNotFound, CommandRefused unless it awaits pickup). */
export async function pickUpOrder(commands: OrderCommands, command: PickUpOrder) {
  tagOrder(command.orderId);
  const outcome = await commands.pickUpOrder(command.orderId, command.correlationId);
  return { orderId: command.orderId, ...outcome, links: orderLinks(command.orderId) };
}
