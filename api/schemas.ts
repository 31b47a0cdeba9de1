import { PlaceOrderLine, placeOrderOf } from '../domain/placeOrderCommand';
import { ORDER_STATUSES } from '../domain/status';
import { SIMULATOR_TOKENS } from '../simulators/paymentGateway';
import { z } from './zod';

/** Request and response shapes: the same schemas validate requests and write the OpenAPI document. */

export const Money = z
  .object({
    amount: z.number().int().openapi({ description: 'integer minor units (cents)', example: 450 }),
    currency: z.string().length(3).openapi({ example: 'USD' }),
  })
  .openapi('Money');

export const OrderStatus = z.enum(ORDER_STATUSES).openapi('OrderStatus');

export const OrderId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_" only')
  .openapi({ example: '0f8c1f3e-3c3b-4b53-9a43-6d1f7a3d2b10' });

export const OrderIdParams = z.strictObject({ id: OrderId });

// The rules live in the domain's PlaceOrder schema; here it only gains examples and names.
const line = PlaceOrderLine.shape;
export const OrderItemRequest = PlaceOrderLine.extend({
  drink: line.drink.meta({ example: 'latte' }),
  size: line.size.meta({ example: 'medium' }),
  quantity: line.quantity.meta({ example: 2 }),
  machine: line.machine.meta({
    description: 'simulator switch for the coffee machine (e.g. "jam", "broken", "slow")',
  }),
}).openapi('OrderItemRequest');

const paymentToken = (simulators: boolean) => {
  const token = placeOrderOf(OrderItemRequest).shape.payment.shape.token;
  const documented = token.meta({
    description: 'gateway token; only its last four are kept',
    example: 'tok_visa_4242',
  });
  return simulators
    ? documented
    : documented.refine((value) => !(Object.values(SIMULATOR_TOKENS) as string[]).includes(value), {
        message: "a simulator's test token: the simulators are off",
      });
};

/**
 * POST /orders' body. With the simulators off (production), their switches do not exist: a
 * `machine` on a line is an unknown field and a test token (`tok_flaky`…) is refused, both 400.
 */
export const placeOrderRequest = (simulators: boolean) => {
  const command = placeOrderOf(simulators ? OrderItemRequest : OrderItemRequest.omit({ machine: true }));
  return command
    .extend({
      customer: command.shape.customer.meta({ example: 'Ana' }),
      payment: command.shape.payment.extend({ token: paymentToken(simulators) }),
    })
    .openapi('PlaceOrderRequest');
};
export const PlaceOrderRequest = placeOrderRequest(true);
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequest>;

/** ≥ 128 bits, because a replay answers the order's token: a UUID, or ≥ 22 base64url characters. */
export const IdempotencyKey = z
  .string()
  .regex(
    /^(?:[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|[A-Za-z0-9_-]{22,128})$/,
    'a UUID (v4 recommended) or 22 to 128 base64url characters (at least 128 random bits)',
  )
  .openapi({
    description:
      'Required. Same key and same body → the same order, the same answer and the same orderToken, ' +
      'for at least 24 h; after the key is pruned, the same request places a new order.',
    example: '3b241101-e2bb-4255-8caf-4136c566a962',
  });

export const OrderLinks = z
  .object({
    self: z.string(),
    events: z.string(),
    saga: z.string(),
    stream: z.string(),
    cancel: z.string(),
    pickup: z.string(),
  })
  .openapi('OrderLinks');

export const OrderAccepted = z
  .object({
    orderId: z.string(),
    orderToken: z.string().openapi({
      description:
        'bearer token for this order only (read, follow, cancel); keep it secret. The server stores only its hash.',
    }),
    status: OrderStatus,
    position: z.number().int().openapi({ description: 'log position of OrderPlaced; use as ?minPosition=' }),
    links: OrderLinks,
  })
  .openapi('OrderAccepted');

export const OrderLine = z
  .object({
    drink: z.string(),
    size: z.string(),
    quantity: z.number().int(),
    unitPrice: Money,
    machine: z.string().optional(),
  })
  .openapi('OrderLine');

const Instant = z.string().nullable();
export const OrderTimestamps = z
  .object({
    placedAt: Instant,
    paidAt: Instant,
    declinedAt: Instant,
    rejectedAt: Instant,
    brewingAt: Instant,
    readyAt: Instant,
    pickedUpAt: Instant,
    completedAt: Instant,
    discardedAt: Instant,
    refundedAt: Instant,
    failedAt: Instant,
    cancelledAt: Instant,
    abandonedAt: Instant,
    notifiedAt: Instant,
  })
  .openapi('OrderTimestamps', { description: 'when each step happened (ISO 8601), null until it has' });

/** The one shape of an order, from the read model, from time travel and on both streams. */
export const Order = z
  .object({
    orderId: z.string(),
    status: OrderStatus,
    customer: z.string().nullable().openapi({
      description: "the customer's name, from the vault; null once erased (or never kept)",
    }),
    erased: z.boolean().openapi({
      description:
        'the personal data was erased (DELETE /orders/{id}/personal-data): amounts and statuses remain',
    }),
    items: z.array(OrderLine),
    total: Money,
    refunded: Money.openapi({ description: 'what went back to the card; zero when nothing did' }),
    reason: z
      .string()
      .nullable()
      .openapi({ description: 'why it was declined, rejected, failed or cancelled' }),
    pickupDeadline: z.string().nullable(),
    notified: z.boolean().openapi({ description: 'the customer was told (ready, abandoned, refunded)' }),
    rejections: z.number().int().openapi({ description: 'how many times the drinks were sent back' }),
    remakes: z.number().int().openapi({ description: 'how many times they were made again' }),
    batchIds: z
      .array(z.string())
      .openapi({ description: 'the machine runs (batches) that made the drinks now on the counter' }),
    timestamps: OrderTimestamps,
    position: z.number().int().openapi({ description: 'last log position folded into this order' }),
    version: z.number().int().openapi({ description: "the order stream's version at that position" }),
    updatedAt: z.string(),
    asOf: z.string().optional().openapi({ description: 'present on time-travel answers' }),
    links: OrderLinks,
  })
  .openapi('Order');
export type Order = z.infer<typeof Order>;

export const GetOrderQuery = z.strictObject({
  minPosition: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .openapi({ description: 'wait (bounded) until the read model reached this log position' }),
  asOf: z
    .union([z.string().regex(/^\d+$/, 'a log position'), z.iso.datetime({ offset: true })])
    .optional()
    .openapi({ description: 'time travel: a log position or an ISO 8601 instant' }),
});

export const ListOrdersQuery = z.strictObject({
  status: OrderStatus.optional(),
  customer: z.string().min(1).max(80).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});

export const OrderPage = z
  .object({
    orders: z.array(Order),
    nextCursor: z.string().nullable(),
    links: z.object({ next: z.string().optional() }),
  })
  .openapi('OrderPage');

export const OrderEvent = z
  .object({
    position: z.number().int(),
    streamVersion: z.number().int(),
    eventId: z.string(),
    type: z.string(),
    data: z.record(z.string(), z.unknown()),
    metadata: z.record(z.string(), z.unknown()),
    recordedAt: z.string(),
  })
  .openapi('OrderEvent');

export const OrderEvents = z
  .object({ orderId: z.string(), events: z.array(OrderEvent) })
  .openapi('OrderEvents');

export const SagaView = z
  .object({
    orderId: z.string(),
    workflowId: z.string(),
    runId: z.string().optional(),
    execution: z.string().openapi({ description: 'workflow execution status, e.g. RUNNING or COMPLETED' }),
    state: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ description: "the workflow's status query" }),
    links: z.object({ webUi: z.string() }),
  })
  .openapi('Saga');

export const CancelRequest = z
  .strictObject({ reason: z.string().min(1).max(200).optional() })
  .openapi('CancelRequest');

export const RejectRequest = z
  .strictObject({
    reason: z.string().trim().min(1).max(200).openapi({ example: 'asked for oat milk, got dairy' }),
    by: z.enum(['customer', 'barista']).optional().openapi({ description: 'who sent it back (customer)' }),
  })
  .openapi('RejectRequest');

export const RejectAccepted = z
  .object({
    orderId: z.string(),
    status: OrderStatus.openapi({
      description: 'BREWING: being remade; FAILED: past the limit, money returned',
    }),
    rejection: z.number().int().openapi({ description: '1 for the first drink sent back' }),
    remake: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'which remake this starts; null past the limit' }),
    maxRemakes: z.number().int(),
    position: z.number().int().openapi({ description: 'log position of DrinkRejected' }),
    links: OrderLinks,
  })
  .openapi('RejectAccepted');

export const CommandAccepted = z
  .object({
    orderId: z.string(),
    status: OrderStatus,
    position: z.number().int().optional(),
    links: OrderLinks,
  })
  .openapi('CommandAccepted');

export const OrderChange = z
  .object({
    orderId: z.string(),
    position: z.number().int(),
    type: z.string(),
    status: OrderStatus,
    order: Order.nullable(),
  })
  .openapi('OrderChange', { description: 'one SSE `data:` line; the event `id:` is `position`' });

export const Menu = z
  .object({
    currency: z.string(),
    drinks: z.array(
      z.object({
        drink: z.string(),
        name: z.string().optional(),
        sizes: z.array(z.object({ size: z.string(), price: Money })),
      }),
    ),
  })
  .openapi('Menu');

export const BaristaQueue = z.record(z.string(), z.unknown()).openapi('BaristaQueue');
export const DailySales = z.record(z.string(), z.unknown()).openapi('DailySales');
export const DailySalesQuery = z.strictObject({
  day: z.iso.date().optional().openapi({ description: 'YYYY-MM-DD (UTC); today when absent' }),
});

export const Health = z.object({ status: z.literal('ok') }).openapi('Health');

export const Readiness = z
  .object({
    status: z.enum(['ready', 'degraded', 'not_ready']),
    /** What is degraded while still ready (the projections lag): order placement is unaffected. */
    degraded: z.array(z.enum(['projectionLag'])).optional(),
  })
  .openapi('Readiness', {
    description:
      'ready, degraded (still 200: the read models lag) or not_ready (503: Postgres or Temporal unreachable); why is logged, not told to the caller',
  });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    correlationId: z.string().optional(),
    orderId: z.string().optional(),
    currentStatus: z.string().optional(),
    errors: z
      .array(
        z.object({
          location: z.enum(['body', 'query', 'path', 'header']),
          pointer: z.string(),
          message: z.string(),
          code: z.string(),
        }),
      )
      .optional(),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details' });
