import { createHash, randomUUID } from 'node:crypto';
import { personalDataOf, placeOrder as pricedOrder } from '../../domain/placeOrder';
import type { PlaceOrder } from '../../domain/placeOrderCommand';
import { canonicalJson, nameBasedUuid } from '../../postgres';
import { IdempotencyKeyReused, OrderSagaFinished } from '../errors';
import { orderLinks } from '../links';
import type {
  IdempotencyStore,
  OrderCommands,
  OrderQueries,
  PersonalDataVault,
  PlacedOrder,
  StoredResponse,
} from '../ports';
import { tagOrder } from '../requestContext';

// Canonical JSON, so the same body always hashes the same.
export const requestHash = (request: PlaceOrder): string =>
  createHash('sha256').update(canonicalJson(request)).digest('hex');

/**
 * The order id a key stands for: the workflow id `order-<orderId>` then dedupes concurrent
 * requests in Temporal itself, even before the key's row is visible to them.
 */
export const orderIdForKey = (key: string): string =>
  nameBasedUuid(`brew-saga:idempotency-key:${key}`, { hash: 'sha256' });

export interface PlaceOrderDeps {
  commands: OrderCommands;
  idempotency: IdempotencyStore;
  /** Keeps the name and the card token: the saga only ever sees references to them. */
  vault: Pick<PersonalDataVault, 'keep'>;
  /** Finds `OrderPlaced` of an order whose saga already finished (a retry after a lost answer). */
  queries?: Pick<OrderQueries, 'orderEvents'>;
  /** How long a ready drink waits for its customer; the domain's default when absent. */
  pickupWindowSeconds?: number | undefined;
}

export interface PlaceOrderAnswer {
  response: StoredResponse;
  replayed: boolean;
}

/**
 * POST /orders with a checked PlaceOrder: dedupe by Idempotency-Key, price it, start the saga,
 * answer once OrderPlaced is durable.
 */
export async function placeOrder(
  deps: PlaceOrderDeps,
  request: PlaceOrder,
  idempotencyKey: string | undefined,
  correlationId: string,
): Promise<PlaceOrderAnswer> {
  let orderId = idempotencyKey ? orderIdForKey(idempotencyKey) : randomUUID();
  if (idempotencyKey) {
    const hash = requestHash(request);
    const claim = await deps.idempotency.claim(idempotencyKey, hash, orderId);
    if (claim.outcome === 'existing') {
      tagOrder(claim.orderId);
      if (claim.requestHash !== hash) throw new IdempotencyKeyReused(claim.orderId);
      if (claim.response) return { response: claim.response, replayed: true };
      // The first request with this key is still in flight (or died): starting again joins its saga.
      orderId = claim.orderId;
    }
  }
  tagOrder(orderId);
  // Into the vault before anything else learns of the order; a retry keeps the same values again.
  await deps.vault.keep(orderId, personalDataOf(request));
  const order = pricedOrder(request, {
    orderId,
    now: new Date().toISOString(),
    ...(deps.pickupWindowSeconds ? { pickupWindowSeconds: deps.pickupWindowSeconds } : {}),
  });
  const placed = await deps.commands
    .placeOrder(order, correlationId)
    .catch((error: unknown) => answerFromLog(deps, orderId, error));
  const links = orderLinks(placed.orderId);
  const response: StoredResponse = {
    status: 202,
    location: links.self,
    body: { orderId: placed.orderId, status: placed.status, position: placed.position, links },
  };
  if (idempotencyKey) await deps.idempotency.complete(idempotencyKey, response);
  return { response, replayed: false };
}

/**
 * The first request with this key started the saga but its answer was lost (the API died) and the
 * saga has finished since: it is never started again (OrderSagaFinished). The order exists, so
 * answer as the first time would have: its `OrderPlaced` position, from the log.
 */
async function answerFromLog(deps: PlaceOrderDeps, orderId: string, error: unknown): Promise<PlacedOrder> {
  if (!(error instanceof OrderSagaFinished) || !deps.queries) throw error;
  const placed = (await deps.queries.orderEvents(orderId)).find((event) => event.type === 'OrderPlaced');
  if (!placed) throw error;
  return { orderId, status: 'PLACED', position: placed.position };
}
