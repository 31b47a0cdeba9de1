import { type AppendToStream, createAppendActivities, type ReadStream } from './appendOrderEvents';
import type { createBaristaActivities } from './barista';
import type { PaymentGateway } from './paymentGateway';
import { createPaymentActivities } from './payments';

export * from './appendOrderEvents';
export * from './barista';
export * from './coffeeMachine';
export * from './eventIds';
export * from './gatewayLedger';
export * from './gatewayPayments';
export * from './paymentGateway';
export * from './paymentIntents';
export * from './payments';
export * from './reconcilePayments';

/** What the `orders` worker runs: appends and payments, over injected adapters (tests pass simulators). */
export const createOrderActivities = (deps: {
  appendToStream: AppendToStream;
  /** Optional: lets a re-executed local append recognise facts it already wrote (see appendOrderEvents). */
  readStream?: ReadStream;
  paymentGateway: PaymentGateway;
}) => ({
  ...createAppendActivities(deps.appendToStream, deps.readStream),
  ...createPaymentActivities(deps.paymentGateway),
});

export type OrderActivities = ReturnType<typeof createOrderActivities>;
export type BaristaActivities = ReturnType<typeof createBaristaActivities>;
