import type { OrderStatus } from '../domain/status';

/** What the customer does after the 202. */
export type Script =
  /** Nothing: the saga ends on its own (rejected, failed, abandoned). */
  | 'none'
  /** Waits for READY, picks up. */
  | 'pickUp'
  /** Waits for BREWING, cancels (202). */
  | 'cancelWhileBrewing'
  /** Waits for READY, cancels (409), picks up. */
  | 'cancelTooLate';

export interface SagaPath {
  expected: OrderStatus;
  /** The gateway took money (captured, or an old saga's charge), exactly once. */
  charged: boolean;
  /** Money taken went back (exactly once). A hold released by a void was never taken: not a refund. */
  refunded: boolean;
  script: Script;
  token: string;
  line: { drink?: string; machine?: 'jam' | 'broken' | 'slow' };
}

/** Every saga path, as the API can reach it: payment tokens and the coffee machine switch. */
export const SAGA_PATHS = {
  happy: {
    expected: 'COMPLETED',
    charged: true,
    refunded: false,
    script: 'pickUp',
    token: 'tok_visa_4242',
    line: {},
  },
  declinedCard: {
    expected: 'REJECTED',
    charged: false,
    refunded: false,
    script: 'none',
    token: 'tok_declined',
    line: {},
  },
  flakyCard: {
    expected: 'COMPLETED',
    charged: true,
    refunded: false,
    script: 'pickUp',
    token: 'tok_flaky',
    line: {},
  },
  slowCard: {
    expected: 'COMPLETED',
    charged: true,
    refunded: false,
    script: 'pickUp',
    token: 'tok_slow',
    line: {},
  },
  machineJam: {
    expected: 'COMPLETED',
    charged: true,
    refunded: false,
    script: 'pickUp',
    token: 'tok_visa_4242',
    line: { machine: 'jam' },
  },
  machineBroken: {
    expected: 'FAILED',
    charged: false,
    refunded: false,
    script: 'none',
    token: 'tok_visa_4242',
    line: { machine: 'broken' },
  },
  // A slow machine making tea: long enough to cancel while it brews.
  cancelWhileBrewing: {
    expected: 'CANCELLED',
    charged: false,
    refunded: false,
    script: 'cancelWhileBrewing',
    token: 'tok_visa_4242',
    line: { drink: 'tea', machine: 'slow' },
  },
  cancelTooLate: {
    expected: 'COMPLETED',
    charged: true,
    refunded: false,
    script: 'cancelTooLate',
    token: 'tok_visa_4242',
    line: {},
  },
  // The card's authorization lands after the saga gave up: the saga voids the key, the gateway refuses it.
  gatewaySlowerThanGiveUp: {
    expected: 'FAILED',
    charged: false,
    refunded: false,
    script: 'none',
    token: 'tok_silent',
    line: {},
  },
  abandoned: {
    expected: 'ABANDONED',
    charged: true,
    refunded: false,
    script: 'none',
    token: 'tok_visa_4242',
    line: {},
  },
} as const satisfies Record<string, SagaPath>;

export type PathName = keyof typeof SAGA_PATHS;
export const PATH_NAMES = Object.keys(SAGA_PATHS) as PathName[];

const QUICK_DRINKS = ['espresso', 'americano', 'latte', 'cappuccino', 'flat_white', 'mocha'];
const SIZES = ['small', 'medium', 'large'];

/** The POST /orders body for one order of a path; drink, size and quantity vary with `pick`. */
export function orderBody(path: PathName, customer: string, pick: <T>(items: readonly T[]) => T) {
  const { token, line } = SAGA_PATHS[path] as SagaPath;
  return {
    customer,
    items: [
      {
        drink: line.drink ?? pick(QUICK_DRINKS),
        size: pick(SIZES),
        quantity: line.drink ? 1 : pick([1, 1, 2]),
        ...(line.machine ? { machine: line.machine } : {}),
      },
    ],
    payment: { token },
  };
}

/** Paths for `count` orders: every path equally often (±1), in a seeded random order. */
export function assignPaths(count: number, shuffle: <T>(items: readonly T[]) => T[]): PathName[] {
  const paths: PathName[] = [];
  while (paths.length < count) paths.push(...shuffle(PATH_NAMES));
  return paths.slice(0, count);
}
