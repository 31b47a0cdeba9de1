import { describe, expect, test } from 'vitest';
import {
  appendToStream,
  checkpointAfter,
  compareCheckpoints,
  hasReached,
  type LogCheckpoint,
} from '../../../eventstore';
import { logHead, newEvent, readLog, readLogEventually, uniqueStream, useEventStore } from './support';

const store = useEventStore();

const readToEnd = (after: LogCheckpoint, limit?: number) => readLog(store, after, limit);
const readEventually = (after: LogCheckpoint, count: number) => readLogEventually(store, after, count);

const head = () => logHead(store.db.pool);

describe('readAll', () => {
  test('pages through the log in order, each event exactly once', async () => {
    const start = await head();
    const appended: string[] = [];
    for (let index = 0; index < 7; index++) {
      const events = [newEvent(), newEvent()];
      await store.append(uniqueStream(), 'no_stream', events);
      appended.push(...events.map((event) => event.eventId));
    }
    await readEventually(start, appended.length);
    const firstPage = await store.readAll({ after: start, limit: 3 });
    expect(firstPage).toHaveLength(3);
    expect((await readToEnd(start, 3)).map((event) => event.eventId)).toEqual(appended);
  });

  test('orders by transaction id as a number, also across a power of ten (999 < 1000)', async () => {
    const start = await head();
    const before = newEvent('Before');
    await store.append(uniqueStream(), 'no_stream', [before]);
    // Burn transaction ids until the next one has one more digit (at most 200k: a few seconds).
    await store.db.pool.query(`DO $$
      DECLARE next bigint := pg_snapshot_xmax(pg_current_snapshot())::text::bigint;
      BEGIN
        FOR i IN 1..least(power(10, length(next::text))::bigint - next, 200000) LOOP
          PERFORM pg_current_xact_id();
          COMMIT;
        END LOOP;
      END $$`);
    const after = newEvent('After');
    await store.append(uniqueStream(), 'no_stream', [after]);
    const seen = await readEventually(start, 2);
    expect(seen[1]!.transactionId.length).toBeGreaterThan(seen[0]!.transactionId.length);
    expect(seen.map((event) => event.eventId)).toEqual([before.eventId, after.eventId]);
  });

  test('does not pass a lower position whose transaction is still open; after its commit a reader sees both, in order, once', async () => {
    const start = await head();
    const slowWriter = await store.db.pool.connect();
    try {
      await slowWriter.query('BEGIN');
      const slowEvent = newEvent('Slow');
      const slow = await appendToStream(slowWriter, uniqueStream(), 'no_stream', [slowEvent]);
      const fastEvent = newEvent('Fast');
      const fast = await store.append(uniqueStream(), 'no_stream', [fastEvent]);
      expect(fast.positions[0]).toBeGreaterThan(slow.positions[0]!);

      // The fast event is committed, but the open transaction could still commit a lower position.
      expect(await readToEnd(start)).toEqual([]);

      await slowWriter.query('COMMIT');
      const seen = await readEventually(start, 2);
      expect(seen.map((event) => event.eventId)).toEqual([slowEvent.eventId, fastEvent.eventId]);
      expect(seen.map((event) => event.position)).toEqual([slow.positions[0], fast.positions[0]]);
      expect(await readToEnd(checkpointAfter(seen[1]!))).toEqual([]);
    } finally {
      await slowWriter.query('ROLLBACK').catch(() => {});
      slowWriter.release();
    }
  });

  test('a rolled-back append leaves no trace and does not hold readers back', async () => {
    const start = await head();
    const writer = await store.db.pool.connect();
    try {
      await writer.query('BEGIN');
      await appendToStream(writer, uniqueStream(), 'no_stream', [newEvent()]);
      await writer.query('ROLLBACK');
    } finally {
      writer.release();
    }
    const committed = newEvent();
    await store.append(uniqueStream(), 'no_stream', [committed]);
    expect((await readEventually(start, 1)).map((event) => event.eventId)).toEqual([committed.eventId]);
  });

  test('checkpointOf tells a consumer whether it has passed a given position (read-your-writes)', async () => {
    const start = await head();
    const { positions } = await store.append(uniqueStream(), 'no_stream', [newEvent(), newEvent()]);
    const target = await store.checkpointOf(positions[1]!);
    expect(target).toBeDefined();
    const [first, second] = await readEventually(start, 2);
    expect(hasReached(checkpointAfter(first!), target!)).toBe(false);
    expect(hasReached(checkpointAfter(second!), target!)).toBe(true);
    expect(compareCheckpoints(checkpointAfter(second!), target!)).toBe(0);
    expect(await store.checkpointOf(10_000_000)).toBeUndefined();
  });
});
