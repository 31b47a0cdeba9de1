import { type AppendToStream, createAppendActivities, type ReadStream } from './appendOrderEvents';
import { createBaristaActivities } from './barista';
import type { CoffeeMachine } from './coffeeMachine';
import type { PaymentGateway } from './paymentGateway';
import { createPaymentActivities } from './payments';

export * from './appendOrderEvents';
export * from './barista';
export * from './coffeeMachine';
export * from './eventIds';
export * from './gatewayLedger';
export * from './paymentGateway';
export * from './payments';

export interface ActivityDependencies {
  appendToStream: AppendToStream;
  /** Optional: lets a re-executed local append recognise facts it already wrote (see appendOrderEvents). */
  readStream?: ReadStream;
  paymentGateway: PaymentGateway;
  coffeeMachine: CoffeeMachine;
}

/** What the `orders` worker runs: appends and payments. */
export const createOrderActivities = (
  deps: Pick<ActivityDependencies, 'appendToStream' | 'readStream' | 'paymentGateway'>,
) => ({
  ...createAppendActivities(deps.appendToStream, deps.readStream),
  ...createPaymentActivities(deps.paymentGateway),
});

/** What the `barista` workers run: the machine. */
export const createBaristaActivitiesFor = (deps: Pick<ActivityDependencies, 'coffeeMachine'>) =>
  createBaristaActivities(deps.coffeeMachine);

/** Every activity of the saga, over injected adapters (tests pass simulators, workers the real ones). */
export const createActivities = (deps: ActivityDependencies) => ({
  ...createOrderActivities(deps),
  ...createBaristaActivitiesFor(deps),
});

export type OrderActivities = ReturnType<typeof createOrderActivities>;
export type BaristaActivities = ReturnType<typeof createBaristaActivities>;
