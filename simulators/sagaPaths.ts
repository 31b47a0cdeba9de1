import type { OrderEvent } from '../domain/events';
import type { OrderStatus } from '../domain/status';

type EventType = OrderEvent['type'];

/** What the customer does after the 202. */
export type Script =
  /** Nothing: the saga ends on its own (rejected, failed, abandoned). */
  | 'none'
  /** Waits for READY, picks up. */
  | 'pickUp'
  /** Waits for BREWING, cancels (202). */
  | 'cancelWhileBrewing'
  /** Waits for READY, cancels (409), picks up. */
  | 'cancelTooLate'
  /** Waits for READY, sends the drinks back (202), waits for the remake to be READY, picks up. */
  | 'rejectOnce'
  /** Sends the drinks back each time they are READY, one time more than the remakes allowed. */
  | 'rejectBeyondLimit';

/** One way an order's saga can go, as the API reaches it, and what it must leave behind. */
export interface SagaPath {
  /** The payment simulator's switch. */
  token: string;
  /** The coffee machine simulator's switch, and a drink where the path needs one. */
  line: { drink?: string; machine?: 'jam' | 'broken' | 'slow' };
  script: Script;
  /** The saga's terminal status. */
  expected: OrderStatus;
  /** The facts the saga appends, in order (the notifier may add `CustomerNotified` in between). */
  events: readonly EventType[];
  /** The gateway took money (captured, or an old saga's charge), exactly once. */
  charged: boolean;
  /** Money taken went back (exactly once). A hold released by a void was never taken: not a refund. */
  refunded: boolean;
}

/** Placed, paid for with a hold, brewed, the hold captured, ready. */
const FIRST_BREW = [
  'OrderPlaced',
  'PaymentAuthorized',
  'BrewingStarted',
  'PaymentCaptured',
  'OrderReady',
] as const;
/** A drink sent back: rejected, written off, brewed again, ready again. */
const SENT_BACK = ['DrinkRejected', 'DrinkDiscarded', 'BrewingStarted', 'OrderReady'] as const;

/** Placed, paid for (a hold), brewed, captured, picked up and completed. */
export const COMPLETED_EVENTS = [
  ...FIRST_BREW,
  'OrderPickedUp',
  'OrderCompleted',
] as const satisfies readonly EventType[];

/** Brewing undone: the drinks written off, then the hold voided (never captured), then the end. */
const undoneWhileBrewing = (end: 'OrderFailed' | 'OrderCancelled') =>
  [
    'OrderPlaced',
    'PaymentAuthorized',
    'BrewingStarted',
    'DrinkDiscarded',
    'AuthorizationVoided',
    end,
  ] as const;

const completed = {
  expected: 'COMPLETED',
  events: COMPLETED_EVENTS,
  charged: true,
  refunded: false,
} as const;
const visa = { token: 'tok_visa_4242', line: {} } as const;

/** Every saga path the API can reach, shared by the tests, the chaos harness and the benchmarks. */
export const SAGA_PATHS = {
  happy: { ...visa, script: 'pickUp', ...completed },
  declinedCard: {
    token: 'tok_declined',
    line: {},
    script: 'none',
    expected: 'REJECTED',
    events: ['OrderPlaced', 'PaymentDeclined', 'OrderRejected'],
    charged: false,
    refunded: false,
  },
  flakyCard: { token: 'tok_flaky', line: {}, script: 'pickUp', ...completed },
  slowCard: { token: 'tok_slow', line: {}, script: 'pickUp', ...completed },
  machineJam: { token: 'tok_visa_4242', line: { machine: 'jam' }, script: 'pickUp', ...completed },
  machineBroken: {
    token: 'tok_visa_4242',
    line: { machine: 'broken' },
    script: 'none',
    expected: 'FAILED',
    events: undoneWhileBrewing('OrderFailed'),
    charged: false,
    refunded: false,
  },
  // A slow machine making tea: long enough to cancel while it brews.
  cancelWhileBrewing: {
    token: 'tok_visa_4242',
    line: { drink: 'tea', machine: 'slow' },
    script: 'cancelWhileBrewing',
    expected: 'CANCELLED',
    events: undoneWhileBrewing('OrderCancelled'),
    charged: false,
    refunded: false,
  },
  cancelTooLate: { ...visa, script: 'cancelTooLate', ...completed },
  rejectedOnceThenPickedUp: {
    ...visa,
    script: 'rejectOnce',
    ...completed,
    events: [...FIRST_BREW, ...SENT_BACK, 'OrderPickedUp', 'OrderCompleted'],
  },
  // With the default limit of two remakes: the third rejection fails the order and refunds the capture.
  rejectedBeyondLimit: {
    ...visa,
    script: 'rejectBeyondLimit',
    expected: 'FAILED',
    events: [
      ...FIRST_BREW,
      ...SENT_BACK,
      ...SENT_BACK,
      'DrinkRejected',
      'DrinkDiscarded',
      'PaymentRefunded',
      'OrderFailed',
    ],
    charged: true,
    refunded: true,
  },
  // The card's authorization lands after the saga gave up: the saga voids the key, the gateway refuses it.
  gatewaySlowerThanGiveUp: {
    token: 'tok_silent',
    line: {},
    script: 'none',
    expected: 'FAILED',
    events: ['OrderPlaced', 'AuthorizationVoided', 'OrderFailed'],
    charged: false,
    refunded: false,
  },
  // Reached by the pickup window running out (tests shorten it).
  abandoned: {
    ...visa,
    script: 'none',
    expected: 'ABANDONED',
    events: [...FIRST_BREW, 'DrinkDiscarded', 'OrderAbandoned'],
    charged: true,
    refunded: false,
  },
} as const satisfies Record<string, SagaPath>;

export type PathName = keyof typeof SAGA_PATHS;
export const PATH_NAMES = Object.keys(SAGA_PATHS) as PathName[];
