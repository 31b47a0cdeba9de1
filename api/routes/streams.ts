import type { Request, Response } from 'express';
import { OrderNotFound } from '../errors';
import { withLinks } from '../links';
import type { OrderView } from '../ports';
import { tagOrder } from '../requestContext';
import { defineRoute } from '../routing';
import { OrderChange, OrderIdParams } from '../schemas';
import { type EventStream, lastEventId, openEventStream, serialPump } from '../sse';
import { z } from '../zod';
import { problemResponse, type RouteContext } from './context';

const eventStream = (dataSchemaName: 'Order' | 'OrderChange', description: string) => ({
  description,
  content: {
    'text/event-stream': {
      schema: z.string().openapi({
        description: `${description}. Each event: \`id:\` the log position, \`event:\` its name, \`data:\` JSON (${dataSchemaName}). Reconnect with Last-Event-ID to resume; \`: heartbeat\` comments keep it open.`,
      }),
    },
  },
});

const lastEventIdHeader = z.object({
  'last-event-id': z
    .string()
    .regex(/^\d+$/)
    .optional()
    .openapi({ description: 'the last `id:` received: the stream resumes right after that log position' }),
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
  /** A client's stream, pumped on every poll; closing it stops the poll and the change notices. */
  const openPolledStream = (
    req: Request,
    res: Response,
    name: 'board' | 'order',
    pump: () => void,
    unsubscribe: () => void,
  ): EventStream => {
    const poll = setInterval(pump, config.ssePollMs);
    metrics.sseClients.inc({ stream: name });
    return openEventStream(req, res, {
      heartbeatMs: config.sseHeartbeatMs,
      registry: streams,
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
      headers: lastEventIdHeader,
      responses: { 200: eventStream('Order', '`event: order` per changed order') },
    },
    async (_input, req, res) => {
      const sent = new Map<string, number>();
      const send = (orders: OrderView[]) => {
        const fresh = orders
          .filter((order) => order.position > (sent.get(order.orderId) ?? 0))
          .sort((a, b) => a.position - b.position);
        for (const order of fresh) {
          sent.set(order.orderId, order.position);
          stream.send(order.position, 'order', withLinks(order));
        }
      };
      const onError = (error: unknown) => logger.warn({ err: error }, 'board stream read failed');
      // (Re)connecting sends the current page of orders (the board re-renders from what it is sent);
      // a change notice then reads just that order, and the poll catches anything a notice missed.
      const pump = serialPump(async () => send((await queries.listOrders({ limit: 100 })).orders), onError);
      const unsubscribe = changes.subscribe(({ orderId }) => {
        queries.getOrder(orderId).then((order) => order && send([order]), onError);
      });
      const stream = openPolledStream(req, res, 'board', pump, unsubscribe);
      pump();
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
      params: OrderIdParams,
      headers: lastEventIdHeader,
      responses: {
        200: eventStream('OrderChange', '`event: change` per event of the order'),
        404: problemResponse('no such order'),
      },
    },
    async ({ params }, req, res) => {
      tagOrder(params.id);
      let after = lastEventId(req);
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
            stream.send(change.position, 'change', {
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
      pump();
      return undefined;
    },
  );
}
