import type { Payload } from '@temporalio/common';
import type { Money } from '../domain/money';
import type { PricedOrder } from '../domain/placeOrder';
import type { OrderStatus } from '../domain/status';
import type { Order } from './schemas';

/**
 * What the HTTP edge needs from the rest of the system, in the coffee shop's words.
 * Routes only see these ports; bin/api.ts wires the real adapters (Temporal, Postgres),
 * tests wire in-memory fakes.
 */

export interface PlacedOrder {
  orderId: string;
  status: OrderStatus;
  /** Log position of OrderPlaced: read-your-writes via `?minPosition=`. */
  position: number;
}

export interface CancelOutcome {
  status: OrderStatus;
  position?: number;
}

export interface DrinkRejection {
  /** Ours (e.g. `sent back by customer`); what the customer wrote goes to the vault, see `reasonRef`. */
  reason: string;
  /** Where the words sent with the drink live (`vault:<orderId>/rejectReason`). */
  reasonRef?: string;
  by?: 'customer' | 'barista';
}

export interface RejectOutcome {
  /** What happens next: BREWING (remade) or FAILED (past the limit: money returned). */
  status: OrderStatus;
  rejection: number;
  remake: number | null;
  maxRemakes: number;
  position: number;
}

export interface SagaState {
  workflowId: string;
  runId?: string;
  /** Workflow execution status (RUNNING, COMPLETED, …). */
  execution: string;
  /** Whatever the workflow's `status` query answers. */
  state: Record<string, unknown> | null;
}

export interface OrderCommands {
  /**
   * Starts the saga with the priced order (its name and card token are vault references: the vault
   * holds them, see `PersonalDataVault.keep`); resolves once OrderPlaced is durable. Same orderId
   * twice → the same order; OrderSagaFinished when that order's saga has ended.
   */
  placeOrder(order: PricedOrder, correlationId: string): Promise<PlacedOrder>;
  /**
   * Throws OrderNotFound, or CommandRefused (409) once the drink is ready. `reasonRef` points at the
   * customer's own words in the vault, when they gave any.
   */
  cancelOrder(orderId: string, reasonRef: string | undefined, correlationId: string): Promise<CancelOutcome>;
  /** Throws OrderNotFound, or CommandRefused (409) unless the order awaits pickup. */
  pickUpOrder(orderId: string, correlationId: string): Promise<{ status: OrderStatus }>;
  /**
   * Sends the ready drinks back to be made again (at most the order's remakes; past that it fails and
   * the money returns). Throws OrderNotFound, or CommandRefused (409) unless the order is READY.
   */
  rejectDrink(orderId: string, rejection: DrinkRejection, correlationId: string): Promise<RejectOutcome>;
  /** Throws OrderNotFound. */
  sagaState(orderId: string): Promise<SagaState>;
}

/** An order as the ports answer it; the routes add its links (and `asOf` on time travel). */
export type OrderView = Omit<Order, 'links' | 'asOf'>;

export interface OrderEventView {
  position: number;
  streamVersion: number;
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recordedAt: string;
}

/** One change of an order, as a Server-Sent Event: the event and the order folded up to it. */
export interface OrderChange {
  orderId: string;
  position: number;
  type: string;
  status: OrderStatus;
  order: OrderView | null;
}

export interface ListOrdersFilter {
  status?: OrderStatus;
  customer?: string;
  limit: number;
  cursor?: string;
}

export interface OrderPage {
  orders: OrderView[];
  nextCursor: string | null;
}

export type AsOf = { position: number } | { time: Date };

export interface OrderQueries {
  /** `fresh`: straight from the read model, never from a cache (after `waitForPosition`). */
  getOrder(orderId: string, options?: { fresh?: boolean }): Promise<OrderView | null>;
  /** The order as a cache in front holds it right now (no I/O), else undefined: then ask `getOrder`. */
  cachedOrder?(orderId: string): OrderView | undefined;
  listOrders(filter: ListOrdersFilter): Promise<OrderPage>;
  /** The board: open orders whatever day they were placed, and those finished on the shop's current day. */
  boardOrders(): Promise<OrderView[]>;
  /** The audit trail; empty when the order does not exist. */
  orderEvents(orderId: string): Promise<OrderEventView[]>;
  /** The order folded from its own events up to a position or an instant; null when nothing was there yet. */
  orderAsOf(orderId: string, asOf: AsOf): Promise<OrderView | null>;
  /** Changes of one order after a log position, oldest first (SSE catch-up and resume). */
  orderChangesAfter(orderId: string, afterPosition: number): Promise<OrderChange[]>;
  baristaQueue(): Promise<Record<string, unknown>>;
  dailySales(day?: string): Promise<Record<string, unknown>>;
  /** Waits (bounded) until the read models reached a log position; false on timeout. */
  waitForPosition(position: number, timeoutMs: number): Promise<boolean>;
}

export interface MenuSize {
  size: string;
  price: Money;
}
export interface MenuDrink {
  drink: string;
  name?: string;
  sizes: MenuSize[];
}
export interface MenuView {
  currency: string;
  drinks: MenuDrink[];
}

export interface OrderChangeNotice {
  orderId: string;
  position?: number;
}

/** A push when an order's read model changed (pg NOTIFY behind it); polling is the fallback. */
export interface OrderChanges {
  subscribe(listener: (notice: OrderChangeNotice) => void): () => void;
}

export interface Health {
  postgres(): Promise<void>;
  temporal(): Promise<void>;
  /** How many log positions the slowest projection is behind the head of the log. */
  projectionLag(): Promise<number>;
}

export interface StoredResponse {
  status: number;
  body: Record<string, unknown>;
  location?: string;
}

export type IdempotencyClaim =
  | { outcome: 'claimed' }
  | { outcome: 'existing'; requestHash: string; orderId: string; response: StoredResponse | null };

/** Idempotency-Key → (request hash, order id, response); the order's token hash goes in with the claim. */
export interface IdempotencyStore {
  /** The first claim of a key wins: it records the key and the SHA-256 of the order's token together. */
  claim(key: string, requestHash: string, orderId: string, orderTokenHash: Buffer): Promise<IdempotencyClaim>;
  /** The answer to replay (it never holds the order token: a replay derives it again). */
  complete(key: string, response: StoredResponse): Promise<void>;
  /** Frees a claim whose order never started, so the client may retry. */
  release(key: string): Promise<void>;
  /** Forgets keys older than this many hours; how many went. */
  prune(olderThanHours: number): Promise<number>;
}

/** Order tokens, by hash: the only way a customer's bearer token is checked. */
export interface OrderTokens {
  /** The order this token hash belongs to, or null. */
  orderOf(tokenHash: Buffer): Promise<string | null>;
  /** The order of a token verified before and still remembered (no I/O), else undefined. */
  known?(tokenHash: Buffer): string | undefined;
}

/** What reads show of an order's personal data (see vault/). */
export interface PersonalView {
  customer: string | null;
  cancelReason: string | null;
  erased: boolean;
}

/** The vault, as the HTTP edge sees it: keep at the door, resolve at read time, erase on request. */
export interface PersonalDataVault {
  /** Seals the customer's data under the order's key; false (nothing kept) once the order was erased. */
  keep(
    orderId: string,
    fields: { customer?: string; paymentToken?: string; cancelReason?: string; rejectReason?: string },
  ): Promise<boolean>;
  /** Many orders in one lookup; an order the vault never saw is absent. */
  personalData(orderIds: readonly string[]): Promise<Map<string, PersonalView>>;
  /** Orders placed under exactly this name (erased ones are not found). */
  ordersOf(customer: string): Promise<string[]>;
  /** Destroys the order's key and records `OrderDataErased`; a second call is a no-op. */
  erase(orderId: string): Promise<{ alreadyErased: boolean }>;
}

/** Temporal's payload codec, for the codec server (`POST /codec/encode|decode`). */
export interface PayloadCodecPort {
  encode(payloads: Payload[]): Promise<Payload[]>;
  decode(payloads: Payload[]): Promise<Payload[]>;
}

export interface ApiPorts {
  commands: OrderCommands;
  queries: OrderQueries;
  changes: OrderChanges;
  health: Health;
  idempotency: IdempotencyStore;
  orderTokens: OrderTokens;
  vault: PersonalDataVault;
  codec: PayloadCodecPort;
}
