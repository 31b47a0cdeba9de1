import { type AppendToStream, createAppendActivities, type ReadStream } from './appendOrderEvents';
import type { createBaristaActivities } from './barista';
import type { PaymentGateway } from './paymentGateway';
import { createPaymentActivities, type RevealPaymentToken } from './payments';

export * from './appendOrderEvents';
export * from './barista';
export * from './brewBatches';
export * from './coffeeMachine';
export * from './eventIds';
export * from './paymentGateway';
export * from './payments';

/** What the `orders` worker runs: appends and payments, over injected adapters (tests pass simulators). */
export const createOrderActivities = (deps: {
  appendToStream: AppendToStream;
  /** Optional: lets a re-executed local append recognise facts it already wrote (see appendOrderEvents). */
  readStream?: ReadStream;
  paymentGateway: PaymentGateway;
  /** The vault: the charge reads the card token behind the order's `paymentRef`. */
  revealPaymentToken: RevealPaymentToken;
  /** The vault: the token is destroyed once the payment settled (charged, declined, or never to be). */
  paymentSettled?: (orderId: string) => Promise<void>;
}) => ({
  ...createAppendActivities(deps.appendToStream, deps.readStream, deps.paymentSettled),
  ...createPaymentActivities(deps.paymentGateway, deps.revealPaymentToken),
});

export type OrderActivities = ReturnType<typeof createOrderActivities>;
export type BaristaActivities = ReturnType<typeof createBaristaActivities>;
