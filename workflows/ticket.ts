import { CancellationScope, workflowInfo } from '@temporalio/workflow';
import { drinkCount, orderStreamId } from '../domain';
import { type ShopActivities, shopActivities } from './activities';
import { type SagaChange, sagaChanges } from './changes';
import { Compensations } from './compensations';
import type { OrderSagaInput } from './definitions';
import { serveCustomer } from './handlers';
import { OrderJournal } from './journal';
import { SagaState } from './sagaState';

export type Shield = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * One scope no cancel reaches, for the saga's whole life. A scope per call would cost a handful of
 * promises each, and Temporal's promise hook gives every workflow promise a source-mapped stack.
 */
function shieldFromCancels(): Shield {
  const scope = new CancellationScope({ cancellable: false });
  return (fn) => scope.run(fn);
}

/** Everything a step needs to serve one order: the order, the shop's activities, the journal, the undo stack. */
export interface OrderTicket {
  order: OrderSagaInput;
  orderId: string;
  workflowId: string;
  drinks: number;
  shop: ShopActivities;
  journal: OrderJournal;
  compensations: Compensations;
  saga: SagaState;
  /** Runs `fn` where no cancel reaches it: money in flight, a fact once begun, a write-off, the undo. */
  shielded: Shield;
  /** Whether this saga runs with a change made since the first saga (workflows/changes.ts). */
  has(change: SagaChange): boolean;
  /** `${workflowId}/${step}`: the idempotency key of a step's call to the outside world. */
  key(step: string): string;
  /** Now, by the workflow's deterministic clock. */
  at(): string;
}

/** Opens the order's ticket and starts answering the customer (status, cancel, pickup). */
export function openTicket(order: OrderSagaInput): OrderTicket {
  const { workflowId } = workflowInfo();
  const shop = shopActivities(order);
  const shielded = shieldFromCancels();
  const compensations = new Compensations(shielded);
  const has = sagaChanges();
  const journal = new OrderJournal(orderStreamId(order.orderId), shop.appendOrderEvents, {
    shielded,
    upsertUnchangedStatus: !has('status-upserted-when-changed'),
  });
  const saga = new SagaState(order.orderId, journal, compensations, order.maxRemakes);
  serveCustomer(saga);
  return {
    order,
    orderId: order.orderId,
    workflowId,
    drinks: drinkCount(order.items),
    shop,
    journal,
    compensations,
    saga,
    shielded,
    has,
    key: (step) => `${workflowId}/${step}`,
    at: () => new Date().toISOString(),
  };
}
