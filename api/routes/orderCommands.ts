import type { Response } from 'express';
import { PlacementAdmission } from '../admission';
import { orderAccess, publicAccess, staffAccess } from '../auth';
import { CommandRefused, OrderNotFound } from '../errors';
import type { ApiMetrics, OrderOutcome } from '../metrics';
import { defineRoute } from '../routing';
import {
  CancelRequest,
  CommandAccepted,
  IdempotencyKey,
  OrderAccepted,
  OrderIdParams,
  placeOrderRequest,
  RejectAccepted,
  RejectRequest,
} from '../schemas';
import { cancelOrder } from '../useCases/cancelOrder';
import { pickUpOrder } from '../useCases/pickUpOrder';
import { placeOrder } from '../useCases/placeOrder';
import { rejectDrink } from '../useCases/rejectDrink';
import { z } from '../zod';
import { jsonResponse, problemResponse, type RouteContext } from './context';

const tags = ['orders'];

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
            : res.locals.placementRefused
              ? 'busy'
              : status >= 400 && status < 500
                ? 'invalid'
                : 'failed';
      metrics.orders.inc({ outcome });
    });
  };
}

/** Commands go through the saga, each by its use case: place, cancel, pick up. */
export function orderCommandRoutes({ router, registry, ports, config, metrics }: RouteContext): void {
  const { commands } = ports;
  const admission = new PlacementAdmission(config.admission);

  defineRoute(
    router,
    registry,
    {
      method: 'post',
      path: '/orders',
      operationId: 'placeOrder',
      summary: 'Place an order: starts its saga, answers once OrderPlaced is durable',
      tags,
      access: publicAccess,
      rateLimit: 'orders',
      body: placeOrderRequest(config.simulators),
      headers: z.object({ 'idempotency-key': IdempotencyKey }),
      responses: {
        202: jsonResponse(
          OrderAccepted,
          'the order is placed; its saga runs',
          z.object({ Location: z.string() }),
        ),
        413: problemResponse('body too large'),
        415: problemResponse('compressed or non-UTF-8 body'),
        422: problemResponse('Idempotency-Key already used with another body'),
        503: problemResponse(
          'too busy, or Postgres or Temporal unavailable: retry with the same key after `Retry-After`',
        ),
      },
    },
    async ({ body, headers }, _req, res) => {
      const key = String(headers['idempotency-key']);
      const { response, orderToken, replayed } = await admission.admit(res, () =>
        placeOrder(
          { ...ports, tokenSecret: config.tokenSecret, pickupWindowSeconds: config.pickupWindowSeconds },
          body,
          key,
          String(res.locals.requestId),
        ),
      );
      return {
        status: response.status,
        body: { ...response.body, orderToken },
        headers: {
          ...(response.location ? { Location: response.location } : {}),
          ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}),
          // The answer carries a bearer token: no cache may keep it.
          'Cache-Control': 'no-store',
        },
      };
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
      access: orderAccess(['barista']),
      rateLimit: 'commands',
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
      const accepted = await countCommand('cancel', () =>
        cancelOrder(
          commands,
          { orderId: params.id, reason: body.reason, correlationId: String(res.locals.requestId) },
          ports.vault,
        ),
      );
      return { status: 202, body: accepted };
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
      access: staffAccess(['barista']),
      rateLimit: 'commands',
      params: OrderIdParams,
      responses: {
        200: jsonResponse(CommandAccepted, 'picked up'),
        404: problemResponse('no such order'),
        409: problemResponse('the drink is not waiting for pickup'),
        503: problemResponse(
          "the saga is catching up with the order's log after a crash (`Retry-After`), or Temporal is unavailable",
        ),
      },
    },
    async ({ params }, _req, res) => {
      const picked = await countCommand('pickup', () =>
        pickUpOrder(commands, ports.queries, {
          orderId: params.id,
          correlationId: String(res.locals.requestId),
        }),
      );
      return { status: 200, body: picked };
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
      access: orderAccess(['barista']),
      rateLimit: 'commands',
      params: OrderIdParams,
      body: RejectRequest,
      responses: {
        202: jsonResponse(
          RejectAccepted,
          'sent back: remade, or past the limit the order fails and is refunded',
        ),
        404: problemResponse('no such order'),
        409: problemResponse('the drinks are not READY on the counter'),
      },
    },
    async ({ params, body }, _req, res) => {
      const rejected = await countCommand('reject', () =>
        rejectDrink(
          commands,
          { orderId: params.id, rejection: body, correlationId: String(res.locals.requestId) },
          ports.vault,
        ),
      );
      return { status: 202, body: rejected };
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
