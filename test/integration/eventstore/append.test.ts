import { randomUUID } from 'node:crypto';
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

  test('20 writers racing for the same version: exactly one wins, the stream stays contiguous', async () => {
    const streamId = uniqueStream();
    await store.append(streamId, 'no_stream', [newEvent(), newEvent(), newEvent()]);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => store.append(streamId, 3, [newEvent(), newEvent()])),
    );
    const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const losers = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(19);
    for (const loser of losers) expect(loser).toBeInstanceOf(ConcurrencyError);
    for (const loser of losers) expect(loser).toMatchObject({ expected: 3, actual: 5 });
    const versions = (await store.readStream(streamId)).map((event) => event.streamVersion);
    expect(versions).toEqual([1, 2, 3, 4, 5]);
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
  test('a race lost inside a transaction is a ConcurrencyError; retrying the transaction then succeeds', async () => {
    const streamId = uniqueStream();
    const [first, second] = [await store.db.pool.connect(), await store.db.pool.connect()];
    try {
      await first.query('BEGIN');
      await appendToStream(first, streamId, 'no_stream', [newEvent('First')]);
      await second.query('BEGIN');
      const { rows } = await second.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const losing = appendToStream(second, streamId, 'any', [newEvent('Second')]).catch(
        (error: unknown) => error,
      );
      await waitFor(
        async () => {
          const waiting = await store.db.pool.query(
            `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`,
            [rows[0]!.pid],
          );
          return waiting.rowCount === 1;
        },
        { what: "the second append to wait on the first's row" },
      );
      await first.query('COMMIT');
      const error = await losing;
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect((error as ConcurrencyError).actual).toBeNaN();
      await second.query('ROLLBACK');

      await second.query('BEGIN');
      const retried = await appendToStream(second, streamId, 'any', [newEvent('Second')]);
      await second.query('COMMIT');
      expect(retried.nextVersion).toBe(2);
    } finally {
      first.release();
      second.release();
    }
    expect((await store.readStream(streamId)).map((event) => event.type)).toEqual(['First', 'Second']);
  });
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

  test('concurrent identical retries append once and all get the same answer', async () => {
    const streamId = uniqueStream();
    const events = [newEvent()];
    const results = await Promise.all(
      Array.from({ length: 8 }, () => store.append(streamId, 'no_stream', events)),
    );
    for (const result of results) expect(result).toEqual(results[0]);
    expect(await store.readStream(streamId)).toHaveLength(1);
  });

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
