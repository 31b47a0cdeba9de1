import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { tokenLast4 } from '../../domain';
import { customerNameKey, orderStatusKey } from '../searchAttributes';
import type { OrderTicket } from '../ticket';

/** The order is a fact before anything else happens; the `placed` update answers with its position. */
export async function takeOrder({ order, orderId, workflowId, journal, saga }: OrderTicket): Promise<void> {
  // startOrderSaga sets these attributes at start; a saga started another way gets them here.
  if (workflowInfo().typedSearchAttributes.get(customerNameKey) !== order.customer)
    upsertSearchAttributes([
      { key: customerNameKey, value: order.customer },
      { key: orderStatusKey, value: 'PLACED' },
    ]);
  const { customer, items, total, pickupWindowSeconds } = order;
  const paymentTokenLast4 = tokenLast4(order.paymentToken);
  const position = await journal.record([
    {
      type: 'OrderPlaced',
      data: { orderId, at: order.placedAt, customer, items, total, paymentTokenLast4, pickupWindowSeconds },
    },
  ]);
  saga.placed = { orderId, workflowId, status: 'PLACED', position };
}
