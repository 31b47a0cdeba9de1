import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { type OrderStatus, orderStreamId, type PricedOrder } from '../domain';

/** The saga's public face: signals, updates, queries and the names of the contract (contract.ts). */
export {
  BARISTA_TASK_QUEUE,
  CANCEL_REJECTIONS,
  type CancelRejection,
  DEFAULT_MAX_REMAKES,
  ORDER_SAGA_WORKFLOW,
  ORDERS_TASK_QUEUE,
  PICK_UP_REJECTIONS,
  REJECT_REJECTIONS,
} from './contract';

/** Readable in the Web UI, and the same string as the order's event stream id. */
export const orderWorkflowId: (orderId: string) => string = orderStreamId;

export interface OrderSagaInput extends PricedOrder {
  /** Where brew and discard run; `barista` unless a test or a deployment isolates its workers. */
  baristaTaskQueue?: string;
  /** Append facts with local activities (fewer round trips to Temporal); see bench/saga.ts. */
  localAppends?: boolean;
  /** How many times a rejected drink is made again before the order fails (DEFAULT_MAX_REMAKES). */
  maxRemakes?: number;
  /** How long to try for the card's hold before voiding it by key; 300 unless a test or a chaos run is in a hurry. */
  paymentGiveUpSeconds?: number;
}

/** How a saga ended: the terminal status and where its last fact sits in the log. */
export interface OrderOutcome {
  orderId: string;
  status: OrderStatus;
  events: number;
  lastPosition: number;
}

/** Returned once `OrderPlaced` is durably in the log. */
export interface PlacedResult {
  orderId: string;
  workflowId: string;
  status: OrderStatus;
  /** Global log position of `OrderPlaced`. */
  position: number;
}

/** Resolves when `OrderPlaced` is appended; send it with update-with-start (see `startOrderSaga`). */
export const placedUpdate = defineUpdate<PlacedResult>('placed');

export interface CancelRequest {
  /** Ours (e.g. `cancelled by operator`); what a customer wrote goes to the vault, see `reasonRef`. */
  reason?: string;
  /** Where the customer's own words live (`vault:<orderId>/cancelReason`). */
  reasonRef?: string;
}
export interface CancelResult {
  orderId: string;
  status: 'CANCELLED';
  /** Global log position of `OrderCancelled`. */
  position: number;
}

/**
 * Cancels the order before its drinks are ready: stops the brew, refunds, appends `OrderCancelled`.
 * The validator rejects with an ApplicationFailure whose `type` is one of `CancelRejection` (contract.ts).
 */
export const cancelUpdate = defineUpdate<CancelResult, [CancelRequest]>('cancel');

/** The customer took the drinks (fire and forget). */
export const pickUpSignal = defineSignal('pickUp');

export interface PickedUpResult {
  orderId: string;
  status: 'COMPLETED';
  /** Global log position of `OrderCompleted`. */
  position: number;
}
/** Same as `pickUp`, but validated (only when READY) and answered once the facts are appended. */
export const confirmPickUpUpdate = defineUpdate<PickedUpResult>('confirmPickUp');

export interface RejectRequest {
  /**
   * Ours (e.g. `sent back by customer`). What the customer wrote ("oat milk, not dairy") goes to the
   * vault, see `reasonRef`; sagas from before references were sent the words themselves.
   */
  reason: string;
  /** Where the customer's own words live (`vault:<orderId>/rejectReason`). */
  reasonRef?: string;
  by?: 'customer' | 'barista';
}
export interface RejectResult {
  orderId: string;
  /** 1 for the first drink sent back. */
  rejection: number;
  /** The remake this rejection starts, or null when it is past the limit (the order fails, money returned). */
  remake: number | null;
  maxRemakes: number;
  status: 'BREWING' | 'FAILED';
  /** Global log position of `DrinkRejected`. */
  position: number;
}
/**
 * Sends the ready drinks back: written off and brewed again, at most `maxRemakes` times. The validator
 * refuses (`NotReadyToReject`, contract.ts) unless the drinks are READY on the counter.
 */
export const rejectUpdate = defineUpdate<RejectResult, [RejectRequest]>('reject');

export type SagaStep =
  | 'placing'
  | 'charging'
  | 'authorizing'
  | 'capturing'
  | 'brewing'
  | 'awaiting_pickup'
  | 'remaking'
  | 'compensating'
  | 'writing_off'
  | 'finishing'
  | 'done';

export interface SagaStatus {
  orderId: string;
  status: OrderStatus;
  step: SagaStep;
  /** Attempts the last run of each activity took, e.g. `{ chargePayment: 3, brewDrinks: 1 }`. */
  attempts: Record<string, number>;
  compensationsPending: string[];
  compensationsRun: string[];
  cancelRequested: boolean;
  pickupDeadline: string | null;
  /** Drinks sent back, and brews made again for them, of at most `maxRemakes`. */
  rejections: number;
  remakes: number;
  maxRemakes: number;
  /** Events this saga appended so far (the stream version). */
  version: number;
  lastPosition: number | null;
}

export const statusQuery = defineQuery<SagaStatus>('status');
