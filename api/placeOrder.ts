import { createHash, randomUUID } from 'node:crypto';
import { validatePlaceOrder } from '../domain/placeOrder';
import { canonicalJson, nameBasedUuid } from '../postgres';
import { IdempotencyKeyReused, InvalidRequest } from './errors';
import type {
  IdempotencyStore,
  OrderCommands,
  OrderQueries,
  OrderView,
  PlacedOrder,
  StoredResponse,
} from './ports';
import { tagOrder } from './requestContext';
import type { PlaceOrderRequest } from './schemas';

export const orderLinks = (orderId: string) => {
  const self = `/orders/${encodeURIComponent(orderId)}`;
  return {
    self,
    events: `${self}/events`,
    saga: `${self}/saga`,
    stream: `${self}/stream`,
    cancel: `${self}/cancel`,
    pickup: `${self}/pickup`,
  };
};

/** An order as the API answers it: the read model plus where to go next. */
export const withLinks = (view: OrderView) => ({ ...view, links: orderLinks(view.orderId) });

/** `items[1].size` → `/items/1/size`. */
const pointerFromField = (field: string): string =>
  field === ''
    ? ''
    : `/${field
        .replace(/\[(\d+)\]/g, '.$1')
        .split('.')
        .join('/')}`;

/** The domain's own rules on top of the schema (menu, limits): bad input never reaches the saga. */
export function checkWithDomain(request: PlaceOrderRequest): void {
  const checked = validatePlaceOrder(request);
  if (checked.ok) return;
  throw new InvalidRequest(
    'the order is not valid',
    checked.errors.map((error) => ({
      location: 'body',
      pointer: pointerFromField(error.field),
      message: error.message,
      code: 'invalid_order',
    })),
  );
}

// Canonical JSON, so the same body always hashes the same.
export const requestHash = (request: PlaceOrderRequest): string =>
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
  /** Finds `OrderPlaced` of an order whose saga already finished (a retry after a lost answer). */
  queries?: Pick<OrderQueries, 'orderEvents'>;
}

export interface PlaceOrderAnswer {
  response: StoredResponse;
  replayed: boolean;
}

/** POST /orders: validate, dedupe by Idempotency-Key, start the saga, answer once OrderPlaced is durable. */
export async function placeOrder(
  deps: PlaceOrderDeps,
  request: PlaceOrderRequest,
  idempotencyKey: string | undefined,
  correlationId: string,
): Promise<PlaceOrderAnswer> {
  checkWithDomain(request);
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
  const placed = await deps.commands
    .placeOrder({
      orderId,
      customer: request.customer,
      items: request.items,
      paymentToken: request.payment.token,
      correlationId,
    })
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
 * saga has finished since: it is never started again (OrderSagaClosedError). The order exists, so
 * answer as the first time would have: its `OrderPlaced` position, from the log.
 */
async function answerFromLog(deps: PlaceOrderDeps, orderId: string, error: unknown): Promise<PlacedOrder> {
  if (!(error instanceof Error && error.name === 'OrderSagaClosedError') || !deps.queries) throw error;
  const placed = (await deps.queries.orderEvents(orderId)).find((event) => event.type === 'OrderPlaced');
  if (!placed) throw error;
  return { orderId, status: 'PLACED', position: placed.position };
}
