import { createHash, randomUUID } from 'node:crypto';
import { personalDataOf, placeOrder as pricedOrder } from '../../domain/placeOrder';
import type { PlaceOrder } from '../../domain/placeOrderCommand';
import { canonicalJson } from '../../postgres';
import { hashOrderToken, orderTokenFor } from '../auth';
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

export interface PlaceOrderDeps {
  commands: OrderCommands;
  idempotency: IdempotencyStore;
  /** Order tokens are derived from it (API_TOKEN_SECRET). */
  tokenSecret: string;
  /** Keeps the name and the card token: the saga only ever sees references to them. */
  vault: Pick<PersonalDataVault, 'keep'>;
  /** Finds `OrderPlaced` of an order whose saga already finished (a retry after a lost answer). */
  queries?: Pick<OrderQueries, 'orderEvents'>;
  /** How long a ready drink waits for its customer; the domain's default when absent. */
  pickupWindowSeconds?: number | undefined;
}

export interface PlaceOrderAnswer {
  /** What was stored for replays: without the order token. */
  response: StoredResponse;
  /** The customer's bearer token for this order, derived again on every replay. */
  orderToken: string;
  replayed: boolean;
}

/**
 * POST /orders with a checked PlaceOrder: claim the Idempotency-Key (the first claim names the order
 * and records its token's hash), price it, start the saga, answer once OrderPlaced is durable.
 * The order id is new per claim, so a key used again after it was pruned places a new order.
 */
export async function placeOrder(
  deps: PlaceOrderDeps,
  request: PlaceOrder,
  idempotencyKey: string,
  correlationId: string,
): Promise<PlaceOrderAnswer> {
  const tokenOf = (orderId: string) => orderTokenFor(deps.tokenSecret, orderId, idempotencyKey);
  const hash = requestHash(request);
  let orderId: string = randomUUID();
  const claim = await deps.idempotency.claim(idempotencyKey, hash, orderId, hashOrderToken(tokenOf(orderId)));
  if (claim.outcome === 'existing') {
    tagOrder(claim.orderId);
    if (claim.requestHash !== hash) throw new IdempotencyKeyReused(claim.orderId);
    if (claim.response)
      return { response: claim.response, orderToken: tokenOf(claim.orderId), replayed: true };
    // The first request with this key is still in flight (or died): starting again joins its saga.
    orderId = claim.orderId;
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
  await deps.idempotency.complete(idempotencyKey, response);
  return { response, orderToken: tokenOf(orderId), replayed: false };
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
