import { workflowInfo } from '@temporalio/workflow';
import { drinkCount, orderStreamId } from '../domain';
import { type ShopActivities, shopActivities } from './activities';
import { Compensations } from './compensations';
import type { OrderSagaInput } from './definitions';
import { serveCustomer } from './handlers';
import { OrderJournal } from './journal';
import { SagaState } from './sagaState';

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
  /** `${workflowId}/${step}`: the idempotency key of a step's call to the outside world. */
  key(step: string): string;
  /** Now, by the workflow's deterministic clock. */
  at(): string;
}

/** Opens the order's ticket and starts answering the customer (status, cancel, pickup). */
export function openTicket(order: OrderSagaInput): OrderTicket {
  const { workflowId } = workflowInfo();
  const shop = shopActivities(order);
  const compensations = new Compensations();
  const journal = new OrderJournal(orderStreamId(order.orderId), shop.appendOrderEvents);
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
    key: (step) => `${workflowId}/${step}`,
    at: () => new Date().toISOString(),
  };
}
