import { CancellationScope, CancelledFailure } from '@temporalio/workflow';
import type { OrderStatus } from '../domain';
import type { Compensations } from './compensations';
import {
  type CancelRequest,
  type CancelResult,
  DEFAULT_MAX_REMAKES,
  type PickedUpResult,
  type PlacedResult,
  type RejectRequest,
  type RejectResult,
  type SagaStatus,
  type SagaStep,
} from './definitions';
import type { OrderJournal } from './journal';

/** What the saga knows about itself, shared by the story (orderSaga) and the customer's handlers. */
export class SagaState {
  step: SagaStep = 'placing';
  readonly attempts: Record<string, number> = {};
  /** The customer's cancel request (or the operator's, once unwinding): its reason ends up in `OrderCancelled`. */
  cancel: CancelRequest | null = null;
  /** Pay-and-brew runs in this scope: the cancel handler cancels it, and so does an operator cancelling the workflow. */
  readonly payAndBrew = new CancellationScope();
  /** Set the moment the drinks are made: from then on a cancel is too late. */
  tooLateToCancel = false;
  /** Why compensations run, fixed when unwinding starts. */
  unwinding: 'cancelled' | 'brew_failed' | null = null;
  pickedUp = false;
  /** Decided at the capture (`READY_IN_ONE_APPEND_PATCH`): the ready drinks' facts go in as few appends as they can. */
  readyInOneAppend = false;
  /** False for an order that reached READY on code from before remakes (`patched('remake')`). */
  remakesAllowed = false;
  /** Drinks sent back, waiting for the story to write them off and brew again. */
  rejection: RejectRequest | null = null;
  /** The answer to the last rejection, once `DrinkRejected` is recorded. */
  rejected: RejectResult | undefined;
  /** The machine runs that made the drinks on the counter. */
  batchIds: string[] = [];
  placed: PlacedResult | undefined;
  cancelled: CancelResult | undefined;
  completed: PickedUpResult | undefined;

  constructor(
    readonly orderId: string,
    readonly journal: OrderJournal,
    readonly compensations: Compensations,
    readonly maxRemakes: number = DEFAULT_MAX_REMAKES,
  ) {}

  /** Folded by `evolve` from the facts recorded so far. */
  get status(): OrderStatus {
    return this.journal.status;
  }

  get cancelRequested(): boolean {
    return this.payAndBrew.consideredCancelled;
  }

  /** Called after a step that must finish once begun (the charge, the brew): a cancel stops the story there. */
  stopIfCancelled(): void {
    if (this.cancelRequested) throw new CancelledFailure('order cancelled');
  }

  /** Notes the attempt an activity's result came from, for the `status` query. */
  attempted<T extends { attempt: number }>(activity: string, result: T): T {
    this.attempts[activity] = result.attempt;
    return result;
  }

  snapshot(): SagaStatus {
    return {
      orderId: this.orderId,
      status: this.status,
      step: this.step,
      attempts: { ...this.attempts },
      compensationsPending: this.compensations.pending(),
      compensationsRun: [...this.compensations.ran],
      cancelRequested: this.cancel !== null,
      pickupDeadline: this.journal.state.pickupDeadline,
      rejections: this.journal.state.rejections,
      remakes: this.journal.state.remakes,
      maxRemakes: this.maxRemakes,
      version: this.journal.version,
      lastPosition: this.journal.lastPosition,
    };
  }
}
