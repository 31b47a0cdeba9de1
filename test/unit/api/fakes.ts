import { CommandRefused, OrderNotFound } from '../../../api/errors';
import type {
  ApiPorts,
  IdempotencyClaim,
  OrderChange,
  OrderChangeNotice,
  OrderEventView,
  OrderView,
  StoredResponse,
} from '../../../api/ports';
import { EncryptionCodec } from '../../../codec';
import { initialOrderState } from '../../../domain/evolve';
import { money } from '../../../domain/money';
import type { PricedOrder } from '../../../domain/placeOrder';
import { isTerminal, type OrderStatus } from '../../../domain/status';
import { randomKeyring } from '../../../keys';

interface FakeEvent {
  position: number;
  type: string;
  status: OrderStatus;
  at: string;
}

/** An order just placed, as the read model shows it (position 0 until its event is recorded). */
export const placedOrder = (
  order: Pick<OrderView, 'orderId' | 'customer' | 'items' | 'total'>,
  at: string,
): OrderView => ({
  ...order,
  status: 'PLACED',
  erased: false,
  refunded: money(0, order.total.currency),
  reason: null,
  pickupDeadline: null,
  notified: false,
  rejections: 0,
  remakes: 0,
  batchIds: [],
  timestamps: { ...initialOrderState().timestamps, placedAt: at },
  position: 0,
  version: 1,
  updatedAt: at,
});

/** An in-memory coffee shop behind the API's ports: no Temporal, no Postgres. */
export function createFakeShop() {
  let head = 0;
  const orders = new Map<string, OrderView>();
  const history = new Map<string, FakeEvent[]>();
  const placedCalls: PricedOrder[] = [];
  const listeners = new Set<(notice: OrderChangeNotice) => void>();
  const keys = new Map<string, { requestHash: string; orderId: string; response: StoredResponse | null }>();
  /** The vault: what the customer gave, by order; null once erased. */
  const vault = new Map<string, Record<string, string> | null>();
  const health = { postgres: true, temporal: true, lag: 0 };
  /** Order token hash (hex) → order id. */
  const tokens = new Map<string, string>();
  /** Sagas re-running a workflow task Temporal lost: what each still says (status, last position). */
  const sagasBehind = new Map<string, { status: OrderStatus; position: number }>();

  const record = (orderId: string, type: string, status: OrderStatus) => {
    head += 1;
    const at = new Date(Date.UTC(2026, 0, 1, 8, 0, head)).toISOString();
    history.get(orderId)?.push({ position: head, type, status, at });
    const order = orders.get(orderId);
    if (order) orders.set(orderId, { ...order, status, position: head, updatedAt: at });
    for (const listener of listeners) listener({ orderId, position: head });
    return head;
  };

  const viewAt = (orderId: string, events: FakeEvent[]): OrderView | null => {
    const last = events.at(-1);
    const order = orders.get(orderId);
    return last && order
      ? { ...order, status: last.status, position: last.position, updatedAt: last.at }
      : null;
  };

  const ports: ApiPorts = {
    commands: {
      async placeOrder(order) {
        placedCalls.push(order);
        const existing = orders.get(order.orderId);
        if (existing) {
          const placed = history.get(order.orderId)![0]!;
          return { orderId: order.orderId, status: 'PLACED', position: placed.position };
        }
        const { orderId, items, total } = order;
        const customer = vault.get(orderId)?.customer ?? null;
        orders.set(orderId, placedOrder({ orderId, customer, items, total }, order.placedAt));
        history.set(orderId, []);
        const position = record(orderId, 'OrderPlaced', 'PLACED');
        return { orderId, status: 'PLACED', position };
      },
      async cancelOrder(orderId) {
        const order = orders.get(orderId);
        if (!order) throw new OrderNotFound(orderId);
        if (order.status === 'READY' || isTerminal(order.status) || order.status === 'PICKED_UP') {
          throw new CommandRefused('too late to cancel: the drink is ready', orderId, order.status);
        }
        const position = record(orderId, 'OrderCancelled', 'CANCELLED');
        return { status: 'CANCELLED', position };
      },
      async pickUpOrder(orderId) {
        const order = orders.get(orderId);
        if (!order) throw new OrderNotFound(orderId);
        const behind = sagasBehind.get(orderId);
        if (behind)
          throw new CommandRefused('nothing awaits pickup', orderId, behind.status, behind.position);
        if (order.status !== 'READY') {
          throw new CommandRefused('nothing awaits pickup', orderId, order.status, order.position);
        }
        record(orderId, 'OrderCompleted', 'COMPLETED');
        return { status: 'COMPLETED' };
      },
      async rejectDrink(orderId) {
        const order = orders.get(orderId);
        if (!order) throw new OrderNotFound(orderId);
        if (order.status !== 'READY') throw new CommandRefused('not READY', orderId, order.status);
        const position = record(orderId, 'DrinkRejected', 'READY');
        return { status: 'BREWING', rejection: 1, remake: 1, maxRemakes: 2, position };
      },
      async sagaState(orderId) {
        const order = orders.get(orderId);
        if (!order) throw new OrderNotFound(orderId);
        return {
          workflowId: `order-${orderId}`,
          runId: 'run-1',
          execution: isTerminal(order.status) ? 'COMPLETED' : 'RUNNING',
          state: { status: order.status },
        };
      },
    },
    queries: {
      async getOrder(orderId) {
        return orders.get(orderId) ?? null;
      },
      async listOrders({ status, customer, limit, cursor }) {
        const all = [...orders.values()]
          .filter((o) => (!status || o.status === status) && (!customer || o.customer === customer))
          .reverse();
        const start = cursor ? Number(cursor) : 0;
        const page = all.slice(start, start + limit);
        return { orders: page, nextCursor: start + limit < all.length ? String(start + limit) : null };
      },
      async boardOrders() {
        return [...orders.values()].reverse();
      },
      async orderEvents(orderId): Promise<OrderEventView[]> {
        return (history.get(orderId) ?? []).map((e, i) => ({
          position: e.position,
          streamVersion: i + 1,
          eventId: `event-${e.position}`,
          type: e.type,
          data: { orderId, at: e.at },
          metadata: {},
          recordedAt: e.at,
        }));
      },
      async orderAsOf(orderId, asOf) {
        const events = (history.get(orderId) ?? []).filter((e) =>
          'position' in asOf ? e.position <= asOf.position : new Date(e.at) <= asOf.time,
        );
        return viewAt(orderId, events);
      },
      async orderChangesAfter(orderId, after): Promise<OrderChange[]> {
        const events = history.get(orderId) ?? [];
        return events
          .filter((e) => e.position > after)
          .map((e) => ({
            orderId,
            position: e.position,
            type: e.type,
            status: e.status,
            order: viewAt(
              orderId,
              events.filter((x) => x.position <= e.position),
            ),
          }));
      },
      async baristaQueue() {
        return { toMake: [...orders.values()].filter((o) => o.status === 'BREWING'), awaitingPickup: [] };
      },
      async dailySales(day) {
        return { day: day ?? '2026-01-01', revenue: { amount: 0, currency: 'USD' } };
      },
      async waitForPosition(position) {
        return position <= head;
      },
    },
    changes: {
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    health: {
      async postgres() {
        if (!health.postgres) throw new Error('connection refused');
      },
      async temporal() {
        if (!health.temporal) throw new Error('connection refused');
      },
      async projectionLag() {
        return health.lag;
      },
    },
    vault: {
      async keep(orderId, fields) {
        if (vault.get(orderId) === null) return false;
        vault.set(orderId, { ...vault.get(orderId), ...(fields as Record<string, string>) });
        return true;
      },
      async personalData(orderIds) {
        return new Map(
          orderIds
            .filter((id) => vault.has(id))
            .map((id) => {
              const kept = vault.get(id);
              return [
                id,
                { customer: kept?.customer ?? null, cancelReason: kept?.cancelReason ?? null, erased: !kept },
              ];
            }),
        );
      },
      async ordersOf(customer) {
        return [...vault.entries()].filter(([, kept]) => kept?.customer === customer).map(([id]) => id);
      },
      async erase(orderId) {
        const alreadyErased = vault.get(orderId) === null;
        vault.set(orderId, null);
        const order = orders.get(orderId);
        if (order) orders.set(orderId, { ...order, customer: null, erased: true });
        return { alreadyErased };
      },
    },
    codec: new EncryptionCodec(randomKeyring()),
    idempotency: {
      async claim(key, requestHash, orderId, orderTokenHash): Promise<IdempotencyClaim> {
        const existing = keys.get(key);
        if (existing) return { outcome: 'existing', ...existing };
        keys.set(key, { requestHash, orderId, response: null });
        tokens.set(orderTokenHash.toString('hex'), orderId);
        return { outcome: 'claimed' };
      },
      async complete(key, response) {
        const existing = keys.get(key);
        if (existing) existing.response = response;
      },
      async release(key) {
        keys.delete(key);
      },
      async prune() {
        const pruned = keys.size;
        keys.clear();
        return pruned;
      },
    },
    orderTokens: {
      async orderOf(tokenHash) {
        return tokens.get(tokenHash.toString('hex')) ?? null;
      },
    },
  };

  return {
    ports,
    vault,
    orders,
    keys,
    placedCalls,
    health,
    /** Moves an order along its saga, as the workers would. */
    advance(orderId: string, type: string, status: OrderStatus) {
      return record(orderId, type, status);
    },
    /** The saga says `status` as of `position` until `caughtUp()`: it lost a workflow task and runs it again. */
    sagaBehind(orderId: string, status: OrderStatus, position: number) {
      sagasBehind.set(orderId, { status, position });
      return { caughtUp: () => sagasBehind.delete(orderId) };
    },
  };
}
export type FakeShop = ReturnType<typeof createFakeShop>;
