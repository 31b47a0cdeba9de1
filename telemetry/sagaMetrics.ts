import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import {
  type CompensationKind,
  countCompensation,
  countPaymentOutcome,
  countRemake,
  observeSagaDuration,
  observeTimeToReady,
  type PaymentOutcome,
  type SagaOutcome,
} from './shopMetrics';

/** An order fact as the saga hands it to `appendOrderEvents`. */
interface Fact {
  type: string;
  data: { at?: string; reason?: string; remake?: number; rejection?: number; maxRemakes?: number };
}

type ReadStream = (streamId: string) => Promise<{ type: string; data: Record<string, unknown> }[]>;

const SAGA_OUTCOMES: Record<string, SagaOutcome> = {
  OrderCompleted: 'completed',
  OrderRejected: 'rejected',
  OrderFailed: 'failed',
  OrderCancelled: 'cancelled',
  OrderAbandoned: 'abandoned',
};
const PAYMENT_OUTCOMES: Record<string, PaymentOutcome> = {
  PaymentCharged: 'charged',
  PaymentDeclined: 'declined',
  PaymentAuthorized: 'authorized',
  PaymentCaptured: 'captured',
  AuthorizationVoided: 'voided',
  PaymentRefunded: 'refunded',
};
const COMPENSATIONS: Record<string, CompensationKind> = {
  PaymentRefunded: 'refund',
  AuthorizationVoided: 'void',
};
/** Drinks written off, by why: nobody came (a write-off), sent back (before a remake), or a compensation. */
const DISCARDS: Record<string, CompensationKind> = { not_picked_up: 'write_off', rejected: 'rejected' };

/** A fact's compensation kind, if it is one. */
const compensationOf = (fact: Fact): CompensationKind | undefined =>
  COMPENSATIONS[fact.type] ??
  (fact.type === 'DrinkDiscarded' ? (DISCARDS[fact.data.reason ?? ''] ?? 'discard') : undefined);

/** A remake brewed, or a rejection beyond the limit (the order fails and the money goes back). */
function countRemakes(fact: Fact): void {
  if (fact.type === 'BrewingStarted' && fact.data.remake) countRemake('remade');
  const { rejection, maxRemakes } = fact.data;
  if (
    fact.type === 'DrinkRejected' &&
    rejection !== undefined &&
    maxRemakes !== undefined &&
    rejection > maxRemakes
  )
    countRemake('limit_reached');
}

/**
 * The saga's facts become metrics where they are written: once `appendOrderEvents` succeeded, its
 * facts are counted (payments, compensations) and timed from the order's `OrderPlaced`
 * (start→READY, the saga's duration by outcome). `readStream` finds that start when this worker
 * did not append it itself (another worker, a restart).
 */
export function sagaFactMetrics(readStream?: ReadStream): ActivityInterceptorsFactory {
  const placedAt = new Map<string, number>();
  const startOf = async (streamId: string): Promise<number | undefined> => {
    const known = placedAt.get(streamId);
    if (known !== undefined || !readStream) return known;
    const placed = (await readStream(streamId)).find((event) => event.type === 'OrderPlaced');
    return placed ? Date.parse(String(placed.data.at)) : undefined;
  };

  async function observe(streamId: string, facts: Fact[]): Promise<void> {
    for (const fact of facts) {
      const at = Date.parse(fact.data.at ?? '');
      if (fact.type === 'OrderPlaced') {
        // Bounded: a worker that never sees the end of its orders must not grow without limit.
        if (placedAt.size >= 10_000) placedAt.delete(placedAt.keys().next().value!);
        placedAt.set(streamId, at);
      }
      const payment = PAYMENT_OUTCOMES[fact.type];
      if (payment) countPaymentOutcome(payment);
      const compensation = compensationOf(fact);
      if (compensation) countCompensation(compensation);
      countRemakes(fact);
      const outcome = SAGA_OUTCOMES[fact.type];
      if (fact.type !== 'OrderReady' && !outcome) continue;
      const started = await startOf(streamId);
      if (started === undefined || Number.isNaN(at)) continue;
      if (outcome) {
        observeSagaDuration(outcome, (at - started) / 1000);
        placedAt.delete(streamId);
      } else observeTimeToReady((at - started) / 1000);
    }
  }

  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const result = await next(input);
        if (ctx.info.activityType === 'appendOrderEvents') {
          const { streamId, events } = input.args[0] as { streamId: string; events: Fact[] };
          // A metric must never fail the saga's append.
          await observe(streamId, events).catch(() => {});
        }
        return result;
      },
    },
  });
}
