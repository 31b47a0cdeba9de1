import { orderLinks } from '../links';
import type { OrderCommands } from '../ports';
import { tagOrder } from '../requestContext';

export interface CancelOrder {
  orderId: string;
  reason?: string | undefined;
  correlationId: string;
}

/** POST /orders/:id/cancel: the saga decides (OrderNotFound, CommandRefused once the drink is ready). */
export async function cancelOrder(commands: OrderCommands, command: CancelOrder) {
  tagOrder(command.orderId);
  const outcome = await commands.cancelOrder(
    command.orderId,
    command.reason ?? 'customer cancelled',
    command.correlationId,
  );
  return { orderId: command.orderId, ...outcome, links: orderLinks(command.orderId) };
}
