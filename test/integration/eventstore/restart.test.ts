import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from '../../../embedded/postgres';
import {
  createEventStore,
  type EventStore,
  LOG_START,
  migrateEventStore,
  type NewEvent,
} from '../../../eventstore';
import { waitFor } from '../../support/waitFor';
import { newEvent, uniqueStream } from './support';

// The run's shared Postgres serves every test file, so this one restarts a Postgres of its own.
let root: string;
let postgres: EmbeddedPostgresHandle;
let pool: pg.Pool;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eventstore-restart-'));
  postgres = await startEmbeddedPostgres({ dataDir: join(root, 'pg'), unsafeFast: true });
  pool = new pg.Pool({ connectionString: postgres.url, max: 4 });
  // Idle connections die with the server; the pool drops them, and that is all there is to do.
  pool.on('error', () => {});
  await migrateEventStore(pool);
});
afterAll(async () => {
  await pool?.end();
  await postgres?.stop();
  rmSync(root, { recursive: true, force: true });
});

// Pacing only (the writer's rhythm, the outage's length): nothing here waits on a clock for a fact.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function follow(store: EventStore) {
  const handled: string[] = [];
  const handledAt: number[] = [];
  const readFailures: unknown[] = [];
  const subscription = store.subscribe({
    after: LOG_START,
    batchSize: 7,
    handle: async (events) => {
      handled.push(...events.map((event) => event.eventId));
      handledAt.push(Date.now());
    },
    onError: (error, { willRetry }) => {
      if (willRetry) readFailures.push(error);
    },
  });
  return { handled, handledAt, readFailures, subscription };
}

test('subscribers following the log through a Postgres restart handle every event exactly once, in order', async () => {
  const watcherErrors: unknown[] = [];
  // Polls every 5 s: after the restart, prompt delivery needs its LISTEN connection back.
  const listening = createEventStore(pool, {
    pollIntervalMs: 5_000,
    onError: (error) => watcherErrors.push(error),
  });
  // Polls every 50 ms: its reads hit the outage and must be retried.
  const polling = createEventStore(pool, { pollIntervalMs: 50 });
  const followers = [follow(listening), follow(polling)];

  const appended: NewEvent[] = [];
  // Retries after a lost connection reuse the same event ids: whatever committed is not repeated.
  const appendUntilAccepted = async (event: NewEvent) => {
    for (;;) {
      try {
        await listening.append(uniqueStream(), 'no_stream', [event]);
        appended.push(event);
        return;
      } catch {
        await sleep(50);
      }
    }
  };
  const writer = (async () => {
    for (let index = 0; index < 60; index++) {
      await appendUntilAccepted(newEvent('Tick', { index }));
      await sleep(10);
    }
  })();

  await waitFor(() => appended.length >= 20);
  await postgres.stop();
  await sleep(300);
  await postgres.start();
  await writer;
  const allCaughtUp = () => followers.every((follower) => follower.handled.length >= appended.length);
  await waitFor(allCaughtUp, { timeoutMs: 30_000, what: 'every follower to catch up' });

  const wakeStart = Date.now();
  await appendUntilAccepted(newEvent('AfterRestart'));
  await waitFor(() => followers[0]!.handled.length === appended.length);
  const wakeMs = followers[0]!.handledAt.at(-1)! - wakeStart;
  await waitFor(allCaughtUp);

  await listening.close();
  await polling.close();
  expect(watcherErrors.length).toBeGreaterThan(0);
  expect(followers[1]!.readFailures.length).toBeGreaterThan(0);
  for (const follower of followers) {
    expect(follower.handled).toEqual(appended.map((event) => event.eventId));
    expect(new Set(follower.handled).size).toBe(61);
  }
  // Its poll is 5 s away: a wake-up within 1 s is its LISTEN connection, back after the restart.
  expect(wakeMs).toBeLessThan(1_000);
});
