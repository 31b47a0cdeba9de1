import type { Response } from 'express';
import type { z } from 'zod';
import { orderAccess, staffAccess } from '../auth';
import { OrderNotFound } from '../errors';
import { withLinks } from '../links';
import type { OrderView } from '../ports';
import { problemType, sendProblem } from '../problem';
import { tagOrder } from '../requestContext';
import { defineRoute, type Reply } from '../routing';
import {
  GetOrderQuery,
  ListOrdersQuery,
  Order,
  OrderEvents,
  OrderIdParams,
  OrderPage,
  SagaView,
} from '../schemas';
import { jsonResponse, problemResponse, type RouteContext } from './context';

type GetOrderInput = z.infer<typeof GetOrderQuery>;

const tags = ['orders'];

// The read cache hands out one object per order state, so its answer is serialized once per state.
// The row's log position is its validator: every change of an order comes with a new position.
const serialized = new WeakMap<OrderView, Reply>();
function orderReply(view: OrderView): Reply {
  let reply = serialized.get(view);
  if (!reply) {
    const etag = `W/"${view.orderId}@${view.position}"`;
    reply = { status: 200, json: Buffer.from(JSON.stringify(withLinks(view))), headers: { ETag: etag } };
    serialized.set(view, reply);
  }
  return reply;
}

/** Queries read the projections (CQRS), plus the saga's live state; commands: orderCommands.ts. */
export function orderRoutes({ router, registry, ports, config }: RouteContext): void {
  const { commands, queries } = ports;

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/orders',
      operationId: 'listOrders',
      summary: 'List orders, newest first, filtered by status and customer, with cursor pagination',
      tags,
      access: staffAccess(['barista']),
      query: ListOrdersQuery,
      responses: { 200: jsonResponse(OrderPage, 'a page of orders') },
    },
    async ({ query }) => {
      const page = await queries.listOrders(query);
      const next = new URLSearchParams();
      if (page.nextCursor) {
        if (query.status) next.set('status', query.status);
        if (query.customer) next.set('customer', query.customer);
        next.set('limit', String(query.limit));
        next.set('cursor', page.nextCursor);
      }
      return {
        status: 200,
        body: {
          orders: page.orders.map(withLinks),
          nextCursor: page.nextCursor,
          links: page.nextCursor ? { next: `/orders?${next}` } : {},
        },
      };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/orders/{id}',
      operationId: 'getOrder',
      summary: 'The order read model; `?minPosition=` waits for it, `?asOf=` folds the log up to then',
      tags,
      access: orderAccess(['barista']),
      params: OrderIdParams,
      query: GetOrderQuery,
      responses: {
        200: jsonResponse(Order, 'the order'),
        404: problemResponse('no such order (with `asOf`: not yet at that point)'),
        503: problemResponse('the read model did not reach minPosition in time (Retry-After)'),
      },
    },
    ({ params, query }, _req, res) => {
      tagOrder(params.id);
      // The hot path: an order held by the change-notified cache is answered without a promise.
      const cached =
        query.asOf === undefined && query.minPosition === undefined && queries.cachedOrder?.(params.id);
      return cached ? orderReply(cached) : readOrder(params.id, query, res);
    },
  );

  /** The read model through the cache, `?minPosition=` waiting for it first, or `?asOf=` folding the log. */
  async function readOrder(id: string, query: GetOrderInput, res: Response): Promise<Reply | undefined> {
    if (query.asOf !== undefined) {
      const asOf = /^\d+$/.test(query.asOf)
        ? { position: Number(query.asOf) }
        : { time: new Date(query.asOf) };
      const view = await queries.orderAsOf(id, asOf);
      if (!view) throw new OrderNotFound(id);
      return { status: 200, body: { ...withLinks(view), asOf: query.asOf } };
    }
    if (query.minPosition !== undefined) {
      const reached = await queries.waitForPosition(query.minPosition, config.minPositionTimeoutMs);
      if (!reached) {
        sendProblem(
          res,
          {
            type: problemType('read-model-behind'),
            title: 'The read model has not caught up yet',
            status: 503,
            detail: `position ${query.minPosition} not reached within ${config.minPositionTimeoutMs} ms`,
          },
          { 'Retry-After': '1' },
        );
        return undefined;
      }
    }
    const view = await queries.getOrder(id, { fresh: query.minPosition !== undefined });
    if (!view) throw new OrderNotFound(id);
    return orderReply(view);
  }

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/orders/{id}/events',
      operationId: 'getOrderEvents',
      summary: "The order's event history (audit trail), oldest first",
      tags,
      access: orderAccess(['barista']),
      params: OrderIdParams,
      responses: { 200: jsonResponse(OrderEvents, 'the events'), 404: problemResponse('no such order') },
    },
    async ({ params }) => {
      tagOrder(params.id);
      const events = await queries.orderEvents(params.id);
      if (events.length === 0) throw new OrderNotFound(params.id);
      return { status: 200, body: { orderId: params.id, events } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/orders/{id}/saga',
      operationId: 'getOrderSaga',
      summary: "The saga's live state (workflow query) and its page in Temporal's Web UI",
      tags,
      access: orderAccess(['barista']),
      params: OrderIdParams,
      responses: { 200: jsonResponse(SagaView, 'the saga'), 404: problemResponse('no such order') },
    },
    async ({ params }) => {
      tagOrder(params.id);
      const saga = await commands.sagaState(params.id);
      const webUi = `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.temporalNamespace)}/workflows/${encodeURIComponent(saga.workflowId)}`;
      return { status: 200, body: { orderId: params.id, ...saga, links: { webUi } } };
    },
  );
}
