import { describe, expect, test } from 'vitest';
import { checkpointAfter, compareCheckpoints, hasReached, LOG_START } from '../../eventstore';

describe('log checkpoints', () => {
  test('order by transaction id first, as numbers, then by position', () => {
    const early = { transactionId: '999', position: 50 };
    const late = { transactionId: '1000', position: 40 };
    expect(compareCheckpoints(early, late)).toBe(-1);
    expect(compareCheckpoints(late, early)).toBe(1);
    expect(compareCheckpoints({ transactionId: '7', position: 3 }, { transactionId: '7', position: 4 })).toBe(
      -1,
    );
    expect(compareCheckpoints(late, { ...late })).toBe(0);
    expect(compareCheckpoints(LOG_START, early)).toBe(-1);
  });

  test('stay exact beyond 2^53 transaction ids', () => {
    expect(
      compareCheckpoints(
        { transactionId: '9007199254740993', position: 1 },
        { transactionId: '9007199254740992', position: 9 },
      ),
    ).toBe(1);
  });

  test('a consumer has reached an event once its checkpoint is at or past it', () => {
    const event = { transactionId: '1000', position: 40 };
    expect(hasReached(checkpointAfter(event), event)).toBe(true);
    expect(hasReached({ transactionId: '999', position: 50 }, event)).toBe(false);
    expect(hasReached({ transactionId: '1001', position: 1 }, event)).toBe(true);
  });
});
