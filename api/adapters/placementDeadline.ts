import { DependencyUnavailable } from '../errors';
import type { OrderCommands, PlacedOrder } from '../ports';

export interface PlacementDeadlineOptions {
  /** The longest a POST /orders waits for `OrderPlaced`; then 503 + Retry-After. */
  timeoutMs: number;
  /** While placements wait, each dependency is asked this often whether it answers. */
  probeEveryMs: number;
  /** By dependency name: resolves when it answers, rejects (bounded in time) when it does not. */
  probes: Record<string, () => Promise<void>>;
  /**
   * The order's `OrderPlaced` as the log has it, or null. A retry of an order whose saga runs on
   * waits for a busy worker to take its update; its answer is already in the log.
   */
  placedInLog?: (orderId: string) => Promise<PlacedOrder | null>;
}

const RETRY_HINT = 'retry with the same Idempotency-Key';

/**
 * `OrderPlaced` is appended by the saga's activity, which retries through a database outage: the
 * update waits as long. A request must not: it answers 503 as soon as a dependency is found down,
 * or at the deadline. The saga goes on, and a retry with the same Idempotency-Key joins it.
 */
export function withPlacementDeadline<C extends OrderCommands>(
  commands: C,
  options: PlacementDeadlineOptions,
): C {
  const refuseWaiting = sharedProbes(options);
  const placeOrder: OrderCommands['placeOrder'] = (order, correlationId) => {
    const placing = commands.placeOrder(order, correlationId);
    return new Promise((resolve, reject) => {
      // Whatever answers first (the saga, a probe, the deadline) ends the wait: no timer or probe outlives it.
      const answer =
        <T>(settle: (value: T) => void) =>
        (value: T) => {
          clearTimeout(deadline);
          stopWaiting();
          settle(value);
        };
      const deadline = setTimeout(() => {
        const detail = `the order is not confirmed within ${options.timeoutMs} ms; ${RETRY_HINT}`;
        answer(reject)(new DependencyUnavailable('Order placement', detail));
      }, options.timeoutMs);
      const stopProbing = refuseWaiting(answer(reject));
      const lookInLog = options.placedInLog;
      const looking = lookInLog
        ? setInterval(() => {
            lookInLog(order.orderId)
              .then((placed) => placed && answer(resolve)(placed))
              .catch(() => {});
          }, options.probeEveryMs)
        : undefined;
      const stopWaiting = () => {
        stopProbing();
        clearInterval(looking);
      };
      placing.then(answer(resolve), answer(reject));
    });
  };
  return { ...commands, placeOrder };
}

/**
 * One round of probes per interval for all waiting placements, however many: under load, a probe
 * per request would add a database and a Temporal call for every order already slow to answer.
 * Returns `wait(refuse)`: `refuse` hears of the first dependency found down; call the result when done.
 */
function sharedProbes({ probeEveryMs, probes }: PlacementDeadlineOptions) {
  const waiting = new Set<(error: Error) => void>();
  let timer: NodeJS.Timeout | undefined;
  // A probe slower than the interval is not asked again until it has answered.
  const asking = new Set<string>();
  const probeAll = () => {
    for (const [name, answers] of Object.entries(probes)) {
      if (asking.has(name)) continue;
      asking.add(name);
      answers()
        .catch(() => {
          const down = new DependencyUnavailable(name, `${name} is unreachable; ${RETRY_HINT}`);
          for (const refuse of waiting) refuse(down);
        })
        .finally(() => asking.delete(name));
    }
  };
  return (refuse: (error: Error) => void) => {
    waiting.add(refuse);
    timer ??= setInterval(probeAll, probeEveryMs);
    return () => {
      waiting.delete(refuse);
      if (waiting.size === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    };
  };
}
