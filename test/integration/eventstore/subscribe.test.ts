import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  appendToStream,
  createEventStore,
  LOG_START,
  type LoggedEvent,
  migrateEventStore,
  type NewEvent,
} from '../../../eventstore';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { waitFor } from '../../support/waitFor';
import { logHead, newEvent, uniqueStream } from './support';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await migrateEventStore(db.pool);
});
afterAll(() => db.drop());

// Polling every 10 s, a wake-up under this bound can only be the NOTIFY (with room for a loaded machine).
const WOKEN_BY_NOTIFY_MS = 1_000;

describe('subscribe', () => {
  test('catches up from the start in ordered batches, then follows new appends live', async () => {
    const store = createEventStore(db.pool);
    const before: NewEvent[] = [];
    for (let index = 0; index < 25; index++) before.push(newEvent('Old', { index }));
    await store.append(uniqueStream(), 'no_stream', before);
    const batches: LoggedEvent[][] = [];
    const subscription = store.subscribe({
      after: LOG_START,
      batchSize: 10,
      handle: async (events) => {
        batches.push(events);
      },
    });
    const after = [newEvent('New'), newEvent('New')];
    await store.append(uniqueStream(), 'no_stream', after);
    await waitFor(() => batches.flat().length >= 27);
    await subscription.stop();
    await store.close();
    expect(batches.map((batch) => batch.length).slice(0, 2)).toEqual([10, 10]);
    for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(10);
    expect(batches.flat().map((event) => event.eventId)).toEqual(
      [...before, ...after].map((event) => event.eventId),
    );
    const last = batches.flat().at(-1)!;
    expect(subscription.checkpoint).toEqual({ transactionId: last.transactionId, position: last.position });
    await expect(subscription.done).resolves.toEqual({ reason: 'stopped' });
  });

  test('a subscriber wakes within milliseconds of an append, by notification rather than polling', async () => {
    // Polling every 10 s: only the coalesced NOTIFY can explain a fast wake-up.
    const store = createEventStore(db.pool, { pollIntervalMs: 10_000 });
    const tail = await store.readAll({ after: LOG_START, limit: 10_000 });
    let handledAt = 0;
    const subscription = store.subscribe({
      after:
        tail.length > 0
          ? { transactionId: tail.at(-1)!.transactionId, position: tail.at(-1)!.position }
          : LOG_START,
      handle: async () => {
        handledAt = Date.now();
      },
    });
    await waitFor(() => subscription.live, { what: 'LISTEN up and catch-up done' });
    const latencies: number[] = [];
    for (let round = 0; round < 5; round++) {
      handledAt = 0;
      const appendedAt = Date.now();
      await store.append(uniqueStream(), 'no_stream', [newEvent()]);
      await waitFor(() => handledAt > 0);
      latencies.push(handledAt - appendedAt);
    }
    await store.close();
    expect(Math.max(...latencies)).toBeLessThan(WOKEN_BY_NOTIFY_MS);
  });

  test("an append made inside the caller's own transaction wakes subscribers once notifyAppended is called", async () => {
    const store = createEventStore(db.pool, { pollIntervalMs: 10_000 });
    const handled: string[] = [];
    let handledAt = 0;
    const subscription = store.subscribe({
      after: await logHead(db.pool),
      handle: async (events) => {
        handled.push(...events.map((event) => event.eventId));
        handledAt = Date.now();
      },
    });
    await waitFor(() => subscription.live, { what: 'LISTEN up and catch-up done' });
    const event = newEvent('WithIdempotencyKey');
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await appendToStream(client, uniqueStream(), 'no_stream', [event]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const committedAt = Date.now();
    store.notifyAppended();
    await waitFor(() => handled.length === 1);
    expect(handledAt - committedAt).toBeLessThan(WOKEN_BY_NOTIFY_MS);
    expect(handled).toEqual([event.eventId]);
    await store.close();
  });

  test('a throwing handler stops the subscription at the last good checkpoint and reports the error', async () => {
    const store = createEventStore(db.pool);
    const start = await logHead(db.pool);
    const good = newEvent('Good');
    const { positions } = await store.append(uniqueStream(), 'no_stream', [good]);
    const poison = newEvent('Poison');
    await store.append(uniqueStream(), 'no_stream', [poison]);
    const reported: { error: unknown; willRetry: boolean }[] = [];
    const handled: string[] = [];
    const subscription = store.subscribe({
      after: start,
      batchSize: 1,
      handle: async ([event]) => {
        if (event!.type === 'Poison') throw new Error('cannot project this');
        handled.push(event!.eventId);
      },
      onError: (error, { willRetry }) => reported.push({ error, willRetry }),
    });
    const end = await subscription.done;
    expect(end).toMatchObject({ reason: 'failed', error: new Error('cannot project this') });
    expect(reported).toEqual([{ error: new Error('cannot project this'), willRetry: false }]);
    expect(handled).toEqual([good.eventId]);
    expect(subscription.checkpoint).toEqual(await store.checkpointOf(positions[0]!));
    await store.close();
  });
});
