import type { CancellationScope } from '@temporalio/workflow';
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
  status: OrderStatus = 'PLACED';
  step: SagaStep = 'placing';
  readonly attempts: Record<string, number> = {};
  cancel: CancelRequest | null = null;
  /** Set the moment the drinks are made: from then on a cancel is too late. */
  tooLateToCancel = false;
  /** Why compensations run, fixed when unwinding starts. */
  unwinding: 'cancelled' | 'brew_failed' | null = null;
  pickedUp = false;
  pickupDeadline: string | null = null;
  placed: PlacedResult | undefined;
  cancelled: CancelResult | undefined;
  completed: PickedUpResult | undefined;
  /** The running brew, so a cancel can stop the machine. */
  brewScope: CancellationScope | undefined;

  constructor(
    readonly orderId: string,
    readonly journal: OrderJournal,
    readonly compensations: Compensations,
  ) {}

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
      pickupDeadline: this.pickupDeadline,
      version: this.journal.version,
      lastPosition: this.journal.lastPosition,
    };
  }
}
