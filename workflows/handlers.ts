import { condition, setHandler } from '@temporalio/workflow';
import {
  cancelUpdate,
  confirmPickUpUpdate,
  pickUpSignal,
  placedUpdate,
  rejectUpdate,
  statusQuery,
} from './definitions';
import { cancelOvertaken, cancelRejection, pickUpRejection, rejectRejection } from './rejections';
import type { SagaState } from './sagaState';

/** What the outside world may ask of a saga: where it stands, cancel, pick up, send the drinks back. */
export function serveCustomer(saga: SagaState): void {
  setHandler(statusQuery, () => saga.snapshot());

  setHandler(placedUpdate, async () => {
    await condition(() => saga.placed !== undefined);
    return saga.placed!;
  });

  setHandler(
    cancelUpdate,
    async (request) => {
      if (!saga.cancel) {
        saga.cancel = { reason: request?.reason || 'cancelled by customer' };
        if (request?.reasonRef) saga.cancel.reasonRef = request.reasonRef;
        // Pay-and-brew stops where it stands: a charge under way finishes first, a brew is cancelled.
        saga.payAndBrew.cancel();
      }
      await condition(() => saga.cancelled !== undefined || saga.step === 'done');
      if (saga.cancelled) return saga.cancelled;
      throw cancelOvertaken(saga);
    },
    { validator: (_request) => throwIf(cancelRejection(saga)) },
  );

  // Sticky: a customer already at the counter when the drinks come out takes them at once.
  setHandler(pickUpSignal, () => {
    saga.pickedUp = true;
  });

  setHandler(
    confirmPickUpUpdate,
    async () => {
      saga.pickedUp = true;
      await condition(() => saga.completed !== undefined || saga.step === 'done');
      if (saga.completed) return saga.completed;
      throw pickUpRejection(saga)!;
    },
    { validator: () => throwIf(pickUpRejection(saga)) },
  );

  // Answered once `DrinkRejected` is recorded; the remake (or the refund past the limit) follows.
  setHandler(
    rejectUpdate,
    async (request) => {
      const rejection = saga.journal.state.rejections + 1;
      saga.rejection = { reason: request.reason.trim(), by: request.by ?? 'customer' };
      if (request.reasonRef) saga.rejection.reasonRef = request.reasonRef;
      await condition(() => saga.rejected?.rejection === rejection || saga.step === 'done');
      if (saga.rejected?.rejection === rejection) return saga.rejected;
      throw rejectRejection(saga)!;
    },
    {
      validator: (request) => {
        if (typeof request?.reason !== 'string' || request.reason.trim() === '')
          throw new TypeError('a rejection needs a reason');
        throwIf(rejectRejection(saga));
      },
    },
  );
}

function throwIf(failure: Error | undefined): void {
  if (failure) throw failure;
}
