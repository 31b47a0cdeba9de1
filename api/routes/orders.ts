import type { Response } from 'express';
import { CommandRefused, OrderNotFound } from '../errors';
import type { ApiMetrics, OrderOutcome } from '../metrics';
import { orderLinks, placeOrder, withLinks } from '../placeOrder';
import type { OrderView } from '../ports';
import { problemType, sendProblem } from '../problem';
import { tagOrder } from '../requestContext';
import { defineRoute, type Reply } from '../routing';
import {
  CancelRequest,
  CommandAccepted,
  GetOrderQuery,
  IdempotencyKey,
  ListOrdersQuery,
  Order,
  OrderAccepted,
  OrderEvents,
  OrderIdParams,
  OrderPage,
  PlaceOrderRequest,
  RejectAccepted,
  RejectRequest,
  SagaView,
} from '../schemas';
import { parseRequestPart } from '../validation';
import { z } from '../zod';
import { jsonResponse, problemResponse, type RouteContext } from './context';

const tags = ['orders'];

// The read cache hands out one object per order state, so its answer is serialized once per state.
// The row's log position is its validator: every change of an order comes with a new position.
const serialized = new WeakMap<OrderView, Reply>();
function orderReply(view: OrderView): Reply {
  let reply = serialized.get(view);
  if (!reply) {
    const etag = `W/"${view.orderId}@${view.position}"`;
    reply = { status: 200, json: JSON.stringify(withLinks(view)), headers: { ETag: etag } };
    serialized.set(view, reply);
  }
  return reply;
}

/**
 * Counts every POST /orders by outcome, including bodies refused before any route ran
 * (malformed JSON, too large): mounted ahead of the body parser.
 */
export function countOrderOutcomes(metrics: ApiMetrics) {
  return (res: Response) => {
    res.on('finish', () => {
      const status = res.statusCode;
      const outcome: OrderOutcome =
        status === 202
          ? res.getHeader('Idempotent-Replayed')
            ? 'replayed'
            : 'placed'
          : status === 422
            ? 'idempotency_conflict'
            : status >= 400 && status < 500
              ? 'invalid'
              : 'failed';
      metrics.orders.inc({ outcome });
    });
  };
}

/** Commands go to the saga; queries read the projections (CQRS). */
export function orderRoutes({ router, registry, ports, config, metrics }: RouteContext): void {
  const { commands, queries } = ports;

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/orders',
      operationId: 'placeOrder',
      summary: 'Place an order: starts its saga, answers once OrderPlaced is durable',
      tags,
      body: PlaceOrderRequest,
      headers: z.object({ 'idempotency-key': IdempotencyKey.optional() }),
      responses: {
        202: jsonResponse(
          OrderAccepted,
          'the order is placed; its saga runs',
          z.object({ Location: z.string() }),
        ),
        400: problemResponse('invalid request (field details in `errors`)'),
        413: problemResponse('body too large'),
        415: problemResponse('compressed or non-UTF-8 body'),
        422: problemResponse('Idempotency-Key already used with another body'),
      },
    },
    async ({ body }, req, res) => {
      const rawKey = req.get('idempotency-key');
      const key = rawKey === undefined ? undefined : parseRequestPart(IdempotencyKey, rawKey, 'header');
      const { response, replayed } = await placeOrder(ports, body, key, String(res.locals.requestId));
      return {
        status: response.status,
        body: response.body,
        headers: {
          ...(response.location ? { Location: response.location } : {}),
          ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}),
        },
      };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/orders',
      operationId: 'listOrders',
      summary: 'List orders, newest first, filtered by status and customer, with cursor pagination',
      tags,
      query: ListOrdersQuery,
      responses: { 200: jsonResponse(OrderPage, 'a page of orders'), 400: problemResponse('invalid query') },
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
      params: OrderIdParams,
      query: GetOrderQuery,
      responses: {
        200: jsonResponse(Order, 'the order'),
        400: problemResponse('invalid id or query'),
        404: problemResponse('no such order'),
        503: problemResponse('the read model did not reach minPosition in time (Retry-After)'),
      },
    },
    async ({ params, query }, _req, res) => {
      tagOrder(params.id);
      if (query.asOf !== undefined) {
        const asOf = /^\d+$/.test(query.asOf)
          ? { position: Number(query.asOf) }
          : { time: new Date(query.asOf) };
        const view = await queries.orderAsOf(params.id, asOf);
        if (!view) throw new OrderNotFound(params.id);
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
          return;
        }
      }
      const view = await queries.getOrder(params.id, { fresh: query.minPosition !== undefined });
      if (!view) throw new OrderNotFound(params.id);
      return orderReply(view);
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/orders/{id}/events',
      operationId: 'getOrderEvents',
      summary: "The order's event history (audit trail), oldest first",
      tags,
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

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/orders/{id}/cancel',
      operationId: 'cancelOrder',
      summary: 'Cancel an order before its drink is ready (refund is the compensation)',
      tags,
      params: OrderIdParams,
      body: CancelRequest,
      bodyOptional: true,
      responses: {
        202: jsonResponse(CommandAccepted, 'cancellation accepted'),
        404: problemResponse('no such order'),
        409: problemResponse('too late: the drink is ready or the order is over'),
      },
    },
    async ({ params, body }, _req, res) => {
      tagOrder(params.id);
      const outcome = await countCommand('cancel', () =>
        commands.cancelOrder(params.id, body.reason ?? 'customer cancelled', String(res.locals.requestId)),
      );
      return { status: 202, body: { orderId: params.id, ...outcome, links: orderLinks(params.id) } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/orders/{id}/pickup',
      operationId: 'pickUpOrder',
      summary: 'The customer picked the drink up',
      tags,
      params: OrderIdParams,
      responses: {
        200: jsonResponse(CommandAccepted, 'picked up'),
        404: problemResponse('no such order'),
        409: problemResponse('the drink is not waiting for pickup'),
      },
    },
    async ({ params }, _req, res) => {
      tagOrder(params.id);
      const outcome = await countCommand('pickup', () =>
        commands.pickUpOrder(params.id, String(res.locals.requestId)),
      );
      return { status: 200, body: { orderId: params.id, ...outcome, links: orderLinks(params.id) } };
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/orders/{id}/reject',
      operationId: 'rejectDrink',
      summary: 'Send the ready drinks back: written off and made again, at most the remake limit',
      tags,
      params: OrderIdParams,
      body: RejectRequest,
      responses: {
        202: jsonResponse(
          RejectAccepted,
          'sent back: remade, or past the limit the order fails and is refunded',
        ),
        400: problemResponse('no reason given'),
        404: problemResponse('no such order'),
        409: problemResponse('the drinks are not READY on the counter'),
      },
    },
    async ({ params, body }, _req, res) => {
      tagOrder(params.id);
      const outcome = await countCommand('reject', () =>
        commands.rejectDrink(params.id, body, String(res.locals.requestId)),
      );
      return { status: 202, body: { orderId: params.id, ...outcome, links: orderLinks(params.id) } };
    },
  );

  async function countCommand<T>(command: string, run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      metrics.commands.inc({ command, outcome: 'accepted' });
      return result;
    } catch (error) {
      const outcome =
        error instanceof OrderNotFound ? 'not_found' : error instanceof CommandRefused ? 'refused' : 'failed';
      metrics.commands.inc({ command, outcome });
      throw error;
    }
  }
}
