/** Errors that carry their meaning; one middleware (problem.ts) maps them to HTTP. */

export interface FieldIssue {
  /** Which part of the request: the JSON body, the query string, the path or a header. */
  location: 'body' | 'query' | 'path' | 'header';
  /** JSON pointer into that part, e.g. `/items/0/size`; a header's or parameter's name otherwise. */
  pointer: string;
  message: string;
  code: string;
}

export class InvalidRequest extends Error {
  constructor(
    message: string,
    readonly issues: FieldIssue[],
  ) {
    super(message);
    this.name = 'InvalidRequest';
  }
}

export class OrderNotFound extends Error {
  constructor(readonly orderId: string) {
    super(`order ${orderId} does not exist`);
    this.name = 'OrderNotFound';
  }
}

/** The saga refused a command in its current state (e.g. cancel after the drink is ready). */
export class CommandRefused extends Error {
  constructor(
    message: string,
    readonly orderId: string,
    readonly currentStatus?: string,
    /** The log position of the last fact the refusing saga knows it appended, when it said. */
    readonly sagaPosition?: number | null,
  ) {
    super(message);
    this.name = 'CommandRefused';
  }
}

/**
 * The log already holds a fact the order's saga does not know yet: Temporal lost the workflow task
 * that appended it (a crash) and the saga is running that task again. Seconds, not a refusal: retry.
 */
export class SagaCatchingUp extends Error {
  constructor(
    readonly orderId: string,
    readonly logStatus: string,
    readonly sagaStatus: string | undefined,
  ) {
    super(
      `order ${orderId} is ${logStatus} in the log while its saga, catching up after a lost workflow task, says ${sagaStatus ?? 'nothing yet'}; retry shortly`,
    );
    this.name = 'SagaCatchingUp';
  }
}

/** The order's saga has already ended, so it was not started again: its answer is in the log. */
export class OrderSagaFinished extends Error {
  constructor(readonly orderId: string) {
    super(`the saga of order ${orderId} has already finished`);
    this.name = 'OrderSagaFinished';
  }
}

/** The same Idempotency-Key came back with another request body. */
export class IdempotencyKeyReused extends Error {
  constructor(readonly orderId: string) {
    super('this Idempotency-Key was already used with a different request body');
    this.name = 'IdempotencyKeyReused';
  }
}

/** A dependency (Postgres, Temporal) could not answer in time. */
export class DependencyUnavailable extends Error {
  constructor(
    readonly dependency: string,
    message: string,
  ) {
    super(message);
    this.name = 'DependencyUnavailable';
  }
}

/** This API process already works on as many placements as it may: come back after Retry-After. */
export class PlacementsBusy extends Error {
  constructor(readonly inFlight: number) {
    super(
      `${inFlight} orders are being placed on this server right now; retry with the same Idempotency-Key`,
    );
    this.name = 'PlacementsBusy';
  }
}
