import { DependencyUnavailable } from '../errors';
import type { OrderCommands, PlacedOrder } from '../ports';

export interface PlacementDeadlineOptions {
  /** The longest a POST /orders waits for `OrderPlaced`; then 503 + Retry-After. */
  timeoutMs: number;
  /** While waiting, each dependency is asked this often whether it answers. */
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
  // Every placement waiting shares one probe per dependency: a backlog must not multiply them.
  const asking = new Map<string, Promise<void>>();
  const ask = (name: string, answers: () => Promise<void>) => {
    let answer = asking.get(name);
    if (!answer) {
      answer = answers().finally(() => asking.delete(name));
      asking.set(name, answer);
    }
    return answer;
  };
  const placeOrder: OrderCommands['placeOrder'] = (order, correlationId) => {
    const placing = commands.placeOrder(order, correlationId);
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(() => {
        const detail = `the order is not confirmed within ${options.timeoutMs} ms; ${RETRY_HINT}`;
        reject(new DependencyUnavailable('Order placement', detail));
      }, options.timeoutMs);
      const probe = setInterval(() => {
        options
          .placedInLog?.(order.orderId)
          .then((placed) => placed && resolve(placed))
          .catch(() => {});
        for (const [name, answers] of Object.entries(options.probes))
          ask(name, answers).catch(() =>
            reject(new DependencyUnavailable(name, `${name} is unreachable; ${RETRY_HINT}`)),
          );
      }, options.probeEveryMs);
      placing.then(resolve, reject).finally(() => {
        clearTimeout(deadline);
        clearInterval(probe);
      });
    });
  };
  return { ...commands, placeOrder };
}
