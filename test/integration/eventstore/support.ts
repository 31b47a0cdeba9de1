import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  checkpointAfter,
  createEventStore,
  type EventStore,
  LOG_START,
  type LogCheckpoint,
  type LoggedEvent,
  migrateEventStore,
  type NewEvent,
} from '../../../eventstore';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { waitFor } from '../../support/waitFor';

/** An event store with the fresh database it stands on. */
export interface TestEventStore extends EventStore {
  db: TestDatabase;
}

/**
 * A fresh, migrated database and an event store on it for one test file, up before its tests
 * and down after. It is filled in by `beforeAll`, so a file can name it at its top.
 */
export function useEventStore(): TestEventStore {
  const store = {} as TestEventStore;
  beforeAll(async () => {
    Object.assign(store, { db: await createTestDatabase() });
    await migrateEventStore(store.db.pool);
    Object.assign(store, createEventStore(store.db.pool));
  });
  afterAll(async () => {
    await store.close?.();
    await store.db?.drop();
  });
  return store;
}

let streamCounter = 0;
/** A stream id no other test in the file uses. */
export function uniqueStream(prefix = 'stream'): string {
  streamCounter += 1;
  return `${prefix}-${streamCounter}-${randomUUID().slice(0, 8)}`;
}

export function newEvent(type = 'SomethingHappened', data: Record<string, unknown> = { n: 1 }): NewEvent {
  return { eventId: randomUUID(), type, data, metadata: { correlationId: 'c-1' } };
}

/** Everything readAll returns after `after`, page by page, as it stands now. */
export async function readLog(store: EventStore, after: LogCheckpoint, limit = 1000): Promise<LoggedEvent[]> {
  const all: LoggedEvent[] = [];
  for (let checkpoint = after; ; ) {
    const page = await store.readAll({ after: checkpoint, limit });
    if (page.length === 0) return all;
    all.push(...page);
    checkpoint = checkpointAfter(page[page.length - 1]!);
  }
}

/**
 * The snapshot's xmin is cluster-wide: any transaction holding an xid (autovacuum's analyze,
 * another test file) holds gap-safe readers back for a moment. Wait, bounded, for `count` events.
 */
export async function readLogEventually(
  store: EventStore,
  after: LogCheckpoint,
  count: number,
  limit = 1000,
): Promise<LoggedEvent[]> {
  return waitFor(
    async () => {
      const events = await readLog(store, after, limit);
      expect(events.length, 'events readable so far').toBeGreaterThanOrEqual(count);
      return events;
    },
    { timeoutMs: 10_000 },
  );
}

/**
 * Where this database's log ends right now, whatever readAll may still be holding back;
 * correct in tests, where none of the file's own appends is left open.
 */
export async function logHead(pool: pg.Pool): Promise<LogCheckpoint> {
  const { rows } = await pool.query<{ transaction_id: string; position: string }>(
    'SELECT transaction_id::text, position FROM events ORDER BY events.transaction_id DESC, events.position DESC LIMIT 1',
  );
  return rows[0] ? { transactionId: rows[0].transaction_id, position: Number(rows[0].position) } : LOG_START;
}
