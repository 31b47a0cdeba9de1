import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { describe, expect, test } from 'vitest';
import { appendToStream, ConcurrencyError, EventIdConflictError } from '../../../eventstore';
import { waitFor } from '../../support/waitFor';
import { newEvent, uniqueStream, useEventStore } from './support';

const store = useEventStore();

describe('append', () => {
  test('a new stream gets versions 1..n and growing global positions', async () => {
    const streamId = uniqueStream();
    const events = [newEvent('A'), newEvent('B'), newEvent('C')];
    const result = await store.append(streamId, 'no_stream', events);
    expect(result.nextVersion).toBe(3);
    expect(result.positions).toHaveLength(3);
    expect([...result.positions].sort((a, b) => a - b)).toEqual(result.positions);
    const read = await store.readStream(streamId);
    expect(read.map((event) => [event.streamVersion, event.type, event.eventId, event.position])).toEqual(
      events.map((event, index) => [index + 1, event.type, event.eventId, result.positions[index]]),
    );
    expect(read[0]!.metadata).toEqual({ correlationId: 'c-1' });
  });

  test('an expected version that is not the current one is a typed ConcurrencyError with both versions', async () => {
    const streamId = uniqueStream();
    await store.append(streamId, 'no_stream', [newEvent(), newEvent()]);
    const error = await store.append(streamId, 1, [newEvent()]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ streamId, expected: 1, actual: 2 });
    await expect(store.append(streamId, 'no_stream', [newEvent()])).rejects.toMatchObject({
      name: 'ConcurrencyError',
      expected: 'no_stream',
      actual: 2,
    });
    await expect(store.append(streamId, 2, [newEvent()])).resolves.toMatchObject({ nextVersion: 3 });
    await expect(store.append(streamId, 'any', [newEvent()])).resolves.toMatchObject({ nextVersion: 4 });
  });

  test.each([1, 2])(
    '20 writers racing for the same version with %i event(s) each: exactly one wins, the stream stays contiguous',
    async (size) => {
      const streamId = uniqueStream();
      await store.append(streamId, 'no_stream', [newEvent(), newEvent(), newEvent()]);
      const batch = () => Array.from({ length: size }, () => newEvent());
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, () => store.append(streamId, 3, batch())),
      );
      const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const losers = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(19);
      for (const loser of losers) expect(loser).toBeInstanceOf(ConcurrencyError);
      for (const loser of losers) expect(loser).toMatchObject({ expected: 3, actual: 3 + size });
      const versions = (await store.readStream(streamId)).map((event) => event.streamVersion);
      expect(versions).toEqual(Array.from({ length: 3 + size }, (_, index) => index + 1));
    },
  );

  test("20 writers racing to create one stream with 'no_stream': one wins, the others are told it exists", async () => {
    const streamId = uniqueStream();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => store.append(streamId, 'no_stream', [newEvent()])),
    );
    const losers = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(losers).toHaveLength(19);
    for (const loser of losers) expect(loser).toMatchObject({ name: 'ConcurrencyError', actual: 1 });
    expect(await store.readStream(streamId)).toHaveLength(1);
  });

  test('an expected version ahead of the stream is a ConcurrencyError, and leaves no gap', async () => {
    const streamId = uniqueStream();
    await store.append(streamId, 'no_stream', [newEvent(), newEvent()]);
    await expect(store.append(streamId, 3, [newEvent()])).rejects.toMatchObject({
      name: 'ConcurrencyError',
      expected: 3,
      actual: 2,
    });
    await expect(store.append(uniqueStream(), 1, [newEvent()])).rejects.toMatchObject({ actual: 0 });
    expect(await store.readStream(streamId)).toHaveLength(2);
  });

  test("writers racing with 'any' all succeed, each on its own contiguous versions", async () => {
    const streamId = uniqueStream();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.append(streamId, 'any', [newEvent()])),
    );
    expect(results.map((result) => result.nextVersion).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    expect((await store.readStream(streamId)).map((event) => event.streamVersion)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });
});

describe("appends inside the caller's own transaction", () => {
  /** Two connections: `first` has appended to a new stream and not committed yet. */
  async function withUncommittedFirst(
    body: (first: pg.PoolClient, second: pg.PoolClient, streamId: string) => Promise<void>,
    isolation = 'READ COMMITTED',
  ) {
    const streamId = uniqueStream();
    const [first, second] = [await store.db.pool.connect(), await store.db.pool.connect()];
    try {
      await first.query('BEGIN');
      await appendToStream(first, streamId, 'no_stream', [newEvent('First')]);
      await second.query(`BEGIN ISOLATION LEVEL ${isolation}`);
      await second.query('SELECT 1'); // takes a repeatable-read snapshot now, before first commits
      await body(first, second, streamId);
    } finally {
      first.release();
      second.release();
    }
  }
  // Commits first once the second append is seen waiting on first's row (a lock wait, not a clock).
  const commitSoon = async (first: pg.PoolClient) => {
    await waitFor(
      async () =>
        ((
          await store.db.pool.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
        ).rowCount ?? 0) > 0,
      { what: "the second append to wait on the first's row" },
    );
    await first.query('COMMIT');
  };

  test("a single event's lost race leaves the transaction usable: 'any' lands after the winner", async () => {
    await withUncommittedFirst(async (first, second, streamId) => {
      const losing = appendToStream(second, streamId, 'any', [newEvent('Second')]);
      await commitSoon(first);
      expect(await losing).toMatchObject({ nextVersion: 2, appended: true });
      await expect(appendToStream(second, streamId, 0, [newEvent()])).rejects.toMatchObject({
        name: 'ConcurrencyError',
        actual: 2,
      });
      await second.query('COMMIT');
      expect((await store.readStream(streamId)).map((event) => event.type)).toEqual(['First', 'Second']);
    });
  });

  test("a single event's lost race with an expected version is a ConcurrencyError with the winner's version", async () => {
    await withUncommittedFirst(async (first, second, streamId) => {
      const losing = appendToStream(second, streamId, 'no_stream', [newEvent('Second')]).catch(
        (error: unknown) => error,
      );
      await commitSoon(first);
      expect(await losing).toMatchObject({ name: 'ConcurrencyError', actual: 1 });
      await expect(appendToStream(second, streamId, 1, [newEvent('Second')])).resolves.toMatchObject({
        nextVersion: 2,
      });
      await second.query('COMMIT');
    });
  });

  test.each([
    ['a batch', 'READ COMMITTED', 2],
    ['a repeatable-read transaction', 'REPEATABLE READ', 1],
  ])(
    'a race lost in %s is a ConcurrencyError; retrying the transaction then succeeds',
    async (_, isolation, size) => {
      await withUncommittedFirst(async (first, second, streamId) => {
        const events = Array.from({ length: size }, () => newEvent('Second'));
        const losing = appendToStream(second, streamId, 'any', events).catch((error: unknown) => error);
        await commitSoon(first);
        const error = await losing;
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect((error as ConcurrencyError).actual).toBeNaN();
        await second.query('ROLLBACK');

        await second.query(`BEGIN ISOLATION LEVEL ${isolation}`);
        const retried = await appendToStream(second, streamId, 'any', events);
        await second.query('COMMIT');
        expect(retried.nextVersion).toBe(1 + size);
      }, isolation);
    },
  );
});

describe('idempotency', () => {
  test('a retried append (as after an activity crash) leaves one copy and returns the original positions', async () => {
    const streamId = uniqueStream();
    const events = [newEvent('Placed'), newEvent('Paid')];
    const first = await store.append(streamId, 'no_stream', events);
    await store.append(streamId, 2, [newEvent('Later')]);
    const retriedEvents = events.map((event) => ({ ...event, metadata: { activityAttempt: 2 } }));
    const retry = await store.append(streamId, 'no_stream', retriedEvents);
    expect(retry).toEqual(first);
    expect((await store.readStream(streamId)).map((event) => event.type)).toEqual([
      'Placed',
      'Paid',
      'Later',
    ]);
  });

  test('a retried single event returns its original position and version, whatever came after', async () => {
    const streamId = uniqueStream();
    const event = newEvent('Placed');
    const first = await store.append(streamId, 'no_stream', [event]);
    await store.append(streamId, 1, [newEvent('Later')]);
    for (const expected of ['no_stream', 'any', 1, 5] as const)
      await expect(store.append(streamId, expected, [event])).resolves.toEqual(first);
    expect(await store.readStream(streamId)).toHaveLength(2);
  });

  test.each([1, 3])(
    'concurrent identical retries of %i event(s) append once and all get the same answer',
    async (size) => {
      const streamId = uniqueStream();
      const events = Array.from({ length: size }, () => newEvent());
      const results = await Promise.all(
        Array.from({ length: 8 }, () => store.append(streamId, 'no_stream', events)),
      );
      for (const result of results) expect(result).toEqual(results[0]);
      expect(await store.readStream(streamId)).toHaveLength(size);
    },
  );

  test('the same event id with another payload is an EventIdConflictError, and nothing is written', async () => {
    const streamId = uniqueStream();
    const event = newEvent('Placed', { total: 900 });
    await store.append(streamId, 'no_stream', [event]);
    await expect(store.append(streamId, 1, [{ ...event, data: { total: 100 } }])).rejects.toBeInstanceOf(
      EventIdConflictError,
    );
    await expect(store.append(streamId, 1, [{ ...event, type: 'Other' }])).rejects.toMatchObject({
      reason: 'different_payload',
      eventIds: [event.eventId],
    });
    await expect(store.append(uniqueStream(), 'any', [event])).rejects.toBeInstanceOf(EventIdConflictError);
    await expect(store.append(streamId, 1, [event, newEvent()])).rejects.toMatchObject({
      reason: 'partial_retry',
    });
    expect(await store.readStream(streamId)).toHaveLength(1);
  });

  test('event ids are compared case-insensitively, as UUIDs', async () => {
    const streamId = uniqueStream();
    const eventId = randomUUID();
    const first = await store.append(streamId, 'no_stream', [{ eventId, type: 'A', data: {} }]);
    const retry = await store.append(streamId, 'no_stream', [
      { eventId: eventId.toUpperCase(), type: 'A', data: {} },
    ]);
    expect(retry).toEqual(first);
  });
});

describe('readStream', () => {
  test('reads a version range, and the state as of an instant (time travel)', async () => {
    const streamId = uniqueStream();
    await store.append(streamId, 'no_stream', [newEvent('A'), newEvent('B')]);
    const [, second] = await store.readStream(streamId);
    // The next append must be recorded at a later instant than `second`.
    await waitFor(async () => {
      const { rows } = await store.db.pool.query('SELECT clock_timestamp() > $1 AS later', [
        second!.recordedAt,
      ]);
      return rows[0].later === true;
    });
    await store.append(streamId, 2, [newEvent('C'), newEvent('D')]);
    const types = (events: { type: string }[]) => events.map((event) => event.type);
    expect(types(await store.readStream(streamId, { fromVersion: 2, toVersion: 3 }))).toEqual(['B', 'C']);
    expect(types(await store.readStream(streamId, { upToTime: second!.recordedAt }))).toEqual(['A', 'B']);
    expect(await store.readStream(uniqueStream())).toEqual([]);
  });
});
