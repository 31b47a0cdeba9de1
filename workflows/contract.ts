// Temporal's contract, named once: the workers, the activities, the API and the tests import these.

/**
 * The saga's workflow type. A new name for the same code (Temporal's workflow-type versioning): a saga
 * of this type starts with every change below built in, so its history carries no patch markers and
 * no `TemporalChangeVersion` upserts (workflows/changes.ts).
 */
export const ORDER_SAGA_WORKFLOW = 'orderSagaV2';
/**
 * The type sagas started before `orderSagaV2` run as. Registered while any may be in flight: each of
 * its changes is decided by `patched()`, as when it was deployed.
 */
export const LEGACY_ORDER_SAGA_WORKFLOW = 'orderSaga';
export const ORDERS_TASK_QUEUE = 'orders';
export const BARISTA_TASK_QUEUE = 'barista';

/** ApplicationFailure types the payment activities throw; a decline is final, the rest are retried. */
export const PAYMENT_FAILURES = {
  declined: 'CardDeclined',
  unavailable: 'GatewayUnavailable',
  /** The key was voided (or nothing was authorized): nothing to capture or refund. */
  refused: 'PaymentRefused',
} as const;

/** The saga's change from charge/refund to authorize/capture/void/refund (`patched()`): orders started before keep charging. */
export const AUTHORIZE_CAPTURE_PATCH = 'payments-authorize-capture';

/**
 * Fewer appends per order (`patched()`): `PaymentCaptured` goes in one append with `OrderReady`, and a
 * customer already at the counter gets `OrderReady`, `OrderPickedUp` and `OrderCompleted` in one.
 */
export const READY_IN_ONE_APPEND_PATCH = 'ready-in-one-append';

/** ApplicationFailure types the barista activities throw when the machine fails. */
export const MACHINE_FAILURES = { jammed: 'MachineJammed', broken: 'MachineBroken' } as const;

/** Why the `cancel` update's validator refuses: the API answers 409 for both. */
export const CANCEL_REJECTIONS = {
  /** The drinks are ready (or picked up, or written off). */
  tooLate: 'TooLateToCancel',
  /** Rejected or failed already: nothing left to cancel. */
  finished: 'OrderAlreadyFinished',
} as const;
export type CancelRejection = (typeof CANCEL_REJECTIONS)[keyof typeof CANCEL_REJECTIONS];

/** Why the `confirmPickUp` update's validator refuses. */
export const PICK_UP_REJECTIONS = { notReady: 'NotReadyForPickUp' } as const;

/** Why the `reject` update's validator refuses: only drinks on the counter (READY) can be sent back. */
export const REJECT_REJECTIONS = { notReady: 'NotReadyToReject' } as const;

/** Remakes per order when the saga's input does not say. */
export const DEFAULT_MAX_REMAKES = 2;
