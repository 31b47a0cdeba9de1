import { CommandRefused, SagaCatchingUp } from '../errors';
import { orderLinks } from '../links';
import type { OrderCommands, OrderQueries } from '../ports';
import { tagOrder } from '../requestContext';

export interface PickUpOrder {
  orderId: string;
  correlationId: string;
}

/**
 * POST /orders/:id/pickup: the saga decides (OrderNotFound, CommandRefused unless it awaits pickup).
 * A saga that refuses while the log already says READY after the last fact it knows is re-running a
 * workflow task Temporal lost (SagaCatchingUp: 503, retry), not saying no.
 */
export async function pickUpOrder(commands: OrderCommands, orders: OrderQueries, command: PickUpOrder) {
  tagOrder(command.orderId);
  try {
    const outcome = await commands.pickUpOrder(command.orderId, command.correlationId);
    return { orderId: command.orderId, ...outcome, links: orderLinks(command.orderId) };
  } catch (error) {
    if (error instanceof CommandRefused && (await readyBeyondTheSaga(orders, error)))
      throw new SagaCatchingUp(command.orderId, 'READY', error.currentStatus);
    throw error;
  }
}

/**
 * The log (through the read model) has the drinks READY at a position the refusing saga, not READY
 * itself, has not reached. A READY saga refuses for its own reasons (the drinks just sent back), and
 * the notifier's `CustomerNotified` puts the log ahead of any saga's last position.
 */
async function readyBeyondTheSaga(orders: OrderQueries, refusal: CommandRefused): Promise<boolean> {
  if (refusal.sagaPosition === undefined || refusal.currentStatus === 'READY') return false;
  const order = await orders.getOrder(refusal.orderId, { fresh: true });
  return order?.status === 'READY' && order.position > (refusal.sagaPosition ?? 0);
}
