import {
  CardDeclinedError,
  GatewayUnavailableError,
  type PaymentIntents,
  PaymentRefusedError,
  type PaymentRequest,
} from '../activities/paymentGateway';
import { balanceOf, type PaymentBook, type PaymentRecord } from './gatewayPayments';
import { effectiveToken, type PaymentSimulatorConfig, SIMULATOR_TOKENS } from './paymentGateway';
import { referenceFor } from './reference';

interface Tools {
  count(key: string): number;
  pause(ms: number, signal?: AbortSignal): Promise<void>;
}

export function createPaymentIntents(
  book: PaymentBook,
  settings: PaymentSimulatorConfig,
  { count, pause }: Tools,
): PaymentIntents & {
  lookup(paymentKey: string): Promise<PaymentRecord | undefined>;
  balance(orderId: string): Promise<{ held: number; taken: number }>;
} {
  /** Waits until the gateway has answered for the key, however long: only the caller's signal ends it. */
  const answered = async (key: string, signal?: AbortSignal): Promise<PaymentRecord | undefined> => {
    for (;;) {
      const record = await book.find(key);
      if (record?.status !== 'processing') return record;
      await pause(settings.pollMs, signal);
    }
  };
  /** `tok_twice`: the same call reaches the gateway twice and both answers come back; the first one wins. */
  const deliver = async <T>(request: PaymentRequest, call: () => Promise<T>, signal?: AbortSignal) => {
    count(request.paymentKey);
    await pause(settings.latencyMs, signal);
    if (effectiveToken(settings, request.token) !== SIMULATOR_TOKENS.twice) return call();
    const [first, second] = [call(), call()];
    second.catch(() => {});
    return first;
  };
  const answerDelay = (token: string): number | null => {
    if (token === SIMULATOR_TOKENS.late) return settings.lateMs;
    if (token === SIMULATOR_TOKENS.silent) return settings.silentMs;
    if (token === SIMULATOR_TOKENS.slow) return settings.slowMs;
    return 0;
  };

  return {
    authorize(request, signal) {
      return deliver(
        request,
        async () => {
          // `tok_unavailable`: the authorization never reaches the gateway (a void, later, does).
          if (effectiveToken(settings, request.token) === SIMULATOR_TOKENS.unavailable)
            throw new GatewayUnavailableError('gateway unreachable');
          const calls = count(`${request.paymentKey}#authorize`);
          const delay = answerDelay(effectiveToken(settings, request.token));
          await book.change(
            request.paymentKey,
            (current) =>
              current ?? {
                paymentKey: request.paymentKey,
                orderId: request.orderId,
                amount: request.amount,
                status: 'processing',
                settlesAtMs: delay === null ? null : Date.now() + delay,
                settlesAs:
                  effectiveToken(settings, request.token) === SIMULATOR_TOKENS.declined
                    ? 'declined'
                    : 'authorized',
                voidedHeld: null,
                voidedWhileProcessing: false,
              },
          );
          const record = (await answered(request.paymentKey, signal))!;
          if (
            effectiveToken(settings, request.token) === SIMULATOR_TOKENS.flaky &&
            calls <= settings.flakyFailures
          )
            throw new GatewayUnavailableError(`answer lost (call ${calls})`);
          if (record.status === 'declined') throw new CardDeclinedError('card declined by issuer');
          if (record.status === 'voided')
            throw new PaymentRefusedError(`payment ${request.paymentKey} was voided`);
          return { authorizationId: referenceFor('au', request.paymentKey), amount: record.amount };
        },
        signal,
      );
    },

    capture(request, signal) {
      return deliver(
        request,
        async () => {
          const record = await answered(request.paymentKey, signal);
          const after = await book.change(request.paymentKey, (current) =>
            current?.status === 'authorized' ? { ...current, status: 'captured' } : current,
          );
          if (after?.status !== 'captured' && after?.status !== 'refunded')
            throw new PaymentRefusedError(
              `nothing to capture under ${request.paymentKey} (${record?.status ?? 'unknown'})`,
            );
          return { captureId: referenceFor('cp', request.paymentKey), amount: after.amount };
        },
        signal,
      );
    },

    void(request, signal) {
      return deliver(
        request,
        async () => {
          const calls = count(`${request.paymentKey}#void`);
          if (calls <= settings.refundFailures)
            throw new GatewayUnavailableError(`void failed (call ${calls})`);
          const after = (await book.change(request.paymentKey, (current) => {
            if (!current)
              return {
                paymentKey: request.paymentKey,
                orderId: request.orderId,
                amount: request.amount,
                status: 'voided',
                settlesAtMs: null,
                settlesAs: 'authorized',
                voidedHeld: 0,
                voidedWhileProcessing: true,
              };
            if (
              current.status === 'processing' ||
              current.status === 'authorized' ||
              current.status === 'declined'
            )
              return {
                ...current,
                status: 'voided',
                voidedHeld: current.status === 'authorized' ? current.amount.amount : 0,
                voidedWhileProcessing: current.status === 'processing',
              };
            return current;
          }))!;
          if (after.status === 'captured' || after.status === 'refunded')
            return { outcome: 'captured', amount: after.amount };
          const released = { amount: after.voidedHeld ?? 0, currency: after.amount.currency };
          return { outcome: 'voided', voidId: referenceFor('vo', request.paymentKey), released };
        },
        signal,
      );
    },

    refundCapture(request, signal) {
      return deliver(
        request,
        async () => {
          const calls = count(`${request.paymentKey}#refund`);
          if (calls <= settings.refundFailures)
            throw new GatewayUnavailableError(`refund failed (call ${calls})`);
          await answered(request.paymentKey, signal);
          const after = await book.change(request.paymentKey, (current) =>
            current?.status === 'captured' ? { ...current, status: 'refunded' } : current,
          );
          if (after?.status !== 'refunded')
            throw new PaymentRefusedError(`nothing captured under ${request.paymentKey} to refund`);
          return { refundId: referenceFor('re', request.paymentKey), amount: after.amount };
        },
        signal,
      );
    },

    lookup: (key) => book.find(key),

    async balance(orderId) {
      const total = { held: 0, taken: 0 };
      for (const record of await book.payments(orderId)) {
        const { held, taken } = balanceOf(record);
        total.held += held;
        total.taken += taken;
      }
      return total;
    },
  };
}
