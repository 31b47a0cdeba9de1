import type { Request, Response } from 'express';
import { orderAccess, staffAccess } from '../auth';
import { OrderNotFound } from '../errors';
import { withLinks } from '../links';
import type { OrderView } from '../ports';
import { problemType, sendProblem } from '../problem';
import { tagOrder } from '../requestContext';
import { defineRoute } from '../routing';
import { OrderChange, OrderIdParams } from '../schemas';
import { type EventStream, lastEventId, openEventStream, serialPump } from '../sse';
import { z } from '../zod';
import { problemResponse, type RouteContext } from './context';

/**
 * A stream documented event by event (OpenAPI 3.1 `schema` under `text/event-stream` describes one
 * event, as 3.2's `itemSchema` does): `id:` the log position, `event:` its name, and `data:` JSON of a
 * named component schema. `retry:` and `: heartbeat` blocks carry no data and are not events.
 */
const eventStream = (
  event: 'order' | 'change',
  dataSchemaName: 'Order' | 'OrderChange',
  description: string,
) => ({
  description: `${description}. Reconnect with Last-Event-ID to resume; \`: heartbeat\` comments keep it open.`,
  content: {
    'text/event-stream': {
      schema: z
        .object({
          id: z.string().regex(/^\d+$/).openapi({ description: 'the log position of the change' }),
          event: z.literal(event),
          data: z.string().openapi({
            description: `JSON: ${dataSchemaName}`,
            // JSON Schema 2020-12 content keywords: the data line is JSON of that schema.
            contentMediaType: 'application/json',
            contentSchema: { $ref: `#/components/schemas/${dataSchemaName}` },
          } as object),
        })
        .openapi({ description: `one event: \`event: ${event}\` with \`data:\` ${dataSchemaName}` }),
    },
  },
});

// An empty value is what a client with nothing to resume from may send: it means "from the start".
const lastEventIdHeader = z.object({
  'last-event-id': z
    .string()
    .regex(/^\d{0,15}$/, 'a log position (digits), or empty')
    .optional()
    .openapi({
      description:
        'the last `id:` received: the stream resumes right after that log position; empty or absent: from the start',
    }),
});

// EventSource cannot set headers: a stream takes its bearer token from the query string too.
const streamQuery = z.strictObject({
  access_token: z
    .string()
    .optional()
    .openapi({ description: 'the bearer token, for clients that cannot send `Authorization` (EventSource)' }),
});

/** Server-Sent Events: one order's changes (resumable from the log), and all orders for the board. */
export function streamRoutes({
  router,
  registry,
  ports,
  config,
  metrics,
  logger,
  streams,
}: RouteContext): void {
  const { queries, changes } = ports;
  // Both schemas are referenced so they appear under components for clients.
  registry.register('OrderChange', OrderChange);

  // The caller pumps once the stream it returns is assigned: a pump writes to that stream.
  /**
   * A client's stream, pumped on every poll; closing it stops the poll and the change notices.
   * Over the caps (in total, per client) it answers 429 instead and returns undefined.
   */
  const openPolledStream = (
    req: Request,
    res: Response,
    name: 'board' | 'order',
    pump: () => void,
    unsubscribe: () => void,
  ): EventStream | undefined => {
    const client = req.ip ?? 'unknown';
    const refusal = streams.refusal(client);
    if (refusal) {
      unsubscribe();
      metrics.sseRefused.inc({ reason: refusal });
      sendProblem(
        res,
        {
          type: problemType('too-many-streams'),
          title: 'Too many open streams',
          status: 429,
          detail:
            refusal === 'total'
              ? 'the server has as many open streams as it serves; try again shortly'
              : 'this client has as many open streams as it may; close one first',
        },
        { 'Retry-After': '5' },
      );
      return undefined;
    }
    const poll = setInterval(pump, config.ssePollMs);
    metrics.sseClients.inc({ stream: name });
    return openEventStream(req, res, {
      heartbeatMs: config.sseHeartbeatMs,
      registry: streams,
      client,
      maxBufferedBytes: config.sseMaxBufferedBytes,
      onSlowReader: () => {
        metrics.sseRefused.inc({ reason: 'slow_reader' });
        logger.warn({ stream: name, client }, 'slow SSE reader dropped');
      },
      onClose: () => {
        unsubscribe();
        clearInterval(poll);
        metrics.sseClients.dec({ stream: name });
      },
    });
  };

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/orders/stream',
      operationId: 'streamAllOrders',
      summary: "Server-Sent Events: every order's read model as it changes (the board's feed)",
      tags: ['orders', 'board'],
      access: staffAccess(['barista'], { allowQueryToken: true }),
      headers: lastEventIdHeader,
      query: streamQuery,
      responses: {
        200: eventStream('order', 'Order', '`event: order` per changed order'),
        429: problemResponse('too many open streams (in total or from this client; `Retry-After`)'),
      },
    },
    async (_input, req, res) => {
      const sent = new Map<string, number>();
      const send = (orders: OrderView[]) => {
        const fresh = orders
          .filter((order) => order.position > (sent.get(order.orderId) ?? 0))
          .sort((a, b) => a.position - b.position);
        for (const order of fresh) {
          sent.set(order.orderId, order.position);
          stream?.send(order.position, 'order', withLinks(order));
        }
      };
      const onError = (error: unknown) => logger.warn({ err: error }, 'board stream read failed');
      // (Re)connecting sends the board (open orders of any day, finished ones of the shop's day);
      // a change notice then reads just that order, and the poll catches anything a notice missed.
      const pump = serialPump(async () => send(await queries.boardOrders()), onError);
      const unsubscribe = changes.subscribe(({ orderId }) => {
        queries.getOrder(orderId).then((order) => order && send([order]), onError);
      });
      const stream = openPolledStream(req, res, 'board', pump, unsubscribe);
      if (stream) pump();
      return undefined;
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: 'get',
      path: '/orders/{id}/stream',
      operationId: 'streamOrder',
      summary: 'Server-Sent Events: every change of one order, from its event log; Last-Event-ID resumes',
      tags: ['orders'],
      access: orderAccess(['barista'], { allowQueryToken: true }),
      params: OrderIdParams,
      query: streamQuery,
      headers: lastEventIdHeader,
      responses: {
        200: eventStream('change', 'OrderChange', '`event: change` per event of the order'),
        404: problemResponse('no such order'),
        429: problemResponse('too many open streams (in total or from this client; `Retry-After`)'),
      },
    },
    async ({ params, headers }, req, res) => {
      tagOrder(params.id);
      let after = lastEventId(headers['last-event-id']);
      const first = await queries.orderChangesAfter(params.id, after);
      if (first.length === 0 && after === 0 && !(await queries.getOrder(params.id))) {
        throw new OrderNotFound(params.id);
      }
      const pending = [...first];
      const pump = serialPump(
        async () => {
          const batch =
            pending.length > 0 ? pending.splice(0) : await queries.orderChangesAfter(params.id, after);
          for (const change of batch) {
            if (change.position <= after) continue;
            after = change.position;
            // The order in its one shape, links included, as GET /orders/:id answers it.
            stream?.send(change.position, 'change', {
              ...change,
              order: change.order && withLinks(change.order),
            });
          }
        },
        (error) => logger.warn({ err: error, orderId: params.id }, 'order stream read failed'),
      );
      const unsubscribe = changes.subscribe((notice) => {
        if (notice.orderId === params.id) pump();
      });
      const stream = openPolledStream(req, res, 'order', pump, unsubscribe);
      if (stream) pump();
      return undefined;
    },
  );
}
