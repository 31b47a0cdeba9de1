import { OrderNotFound } from '../errors';
import type { OrderQueries, PersonalDataVault } from '../ports';
import { tagOrder } from '../requestContext';

/**
 * DELETE /orders/:id/personal-data ("forget me"): the order's vault key is destroyed, so its name,
 * card token and the customer's own words are gone everywhere at once; `OrderDataErased` records it.
 * The events, amounts and statuses stay for the books. Twice is a no-op.
 */
export async function erasePersonalData(
  deps: { vault: Pick<PersonalDataVault, 'erase'>; queries: Pick<OrderQueries, 'orderEvents'> },
  orderId: string,
): Promise<{ orderId: string; erased: true; alreadyErased: boolean }> {
  tagOrder(orderId);
  const placed = (await deps.queries.orderEvents(orderId)).some((event) => event.type === 'OrderPlaced');
  if (!placed) throw new OrderNotFound(orderId);
  const { alreadyErased } = await deps.vault.erase(orderId);
  return { orderId, erased: true, alreadyErased };
}
