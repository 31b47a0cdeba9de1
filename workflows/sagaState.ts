import { CancellationScope, CancelledFailure } from '@temporalio/workflow';
import type { OrderStatus } from '../domain';
import type { Compensations } from './compensations';
import type {
  CancelRequest,
  CancelResult,
  PickedUpResult,
  PlacedResult,
  SagaStatus,
  SagaStep,
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
  placed: PlacedResult | undefined;
  cancelled: CancelResult | undefined;
  completed: PickedUpResult | undefined;

  constructor(
    readonly orderId: string,
    readonly journal: OrderJournal,
    readonly compensations: Compensations,
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
      version: this.journal.version,
      lastPosition: this.journal.lastPosition,
    };
  }
}
