import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { orderNumber } from '../../domain';
import { legacyCustomerNameKey, orderNumberKey, orderStatusKey } from '../searchAttributes';
import type { OrderTicket } from '../ticket';

/** The order is a fact before anything else happens; the `placed` update answers with its position. */
export async function takeOrder(t: OrderTicket): Promise<void> {
  const { order, orderId, workflowId, journal, saga } = t;
  tagForTheWebUi(t);
  const { customerRef, items, total, paymentTokenLast4, pickupWindowSeconds } = order;
  const position = await journal.record([
    {
      type: 'OrderPlaced',
      data: {
        orderId,
        at: order.placedAt,
        customerRef,
        items,
        total,
        paymentTokenLast4,
        pickupWindowSeconds,
      },
    },
  ]);
  saga.placed = { orderId, workflowId, status: 'PLACED', position };
}

// startOrderSaga sets these attributes at start; a saga started another way gets them here.
function tagForTheWebUi({ order, orderId, has }: OrderTicket): void {
  const attributes = workflowInfo().typedSearchAttributes;
  if (has('search-attributes-without-names')) {
    if (attributes.get(orderNumberKey) !== orderNumber(orderId))
      upsertSearchAttributes([
        { key: orderNumberKey, value: orderNumber(orderId) },
        { key: orderStatusKey, value: 'PLACED' },
      ]);
    return;
  }
  // Sagas recorded before the patch: their input carried the name, and so did this upsert.
  const legacyCustomer = (order as { customer?: string }).customer ?? '';
  if (attributes.get(legacyCustomerNameKey) !== legacyCustomer)
    upsertSearchAttributes([
      { key: legacyCustomerNameKey, value: legacyCustomer },
      { key: orderStatusKey, value: 'PLACED' },
    ]);
}
