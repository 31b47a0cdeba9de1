import type pg from 'pg';
import { appendToStream } from './appendToStream';
import { createLogWatcher, type LogWatcher } from './logWatcher';
import { checkpointOf, hasHeldBackEvents, type ReadAllOptions, readAll } from './readAll';
import { type ReadStreamOptions, readStream } from './readStream';
import { type SubscribeOptions, type Subscription, subscribeToLog } from './subscribe';
import type {
  AppendResult,
  ExpectedVersion,
  LogCheckpoint,
  LoggedEvent,
  NewEvent,
  RecordedEvent,
} from './types';
import { createWakeUpNotifier, DEFAULT_CHANNEL } from './wakeUpNotifier';

export interface EventStoreOptions {
  /** LISTEN/NOTIFY channel shared by every process on this database (default `events_appended`). */
  channel?: string;
  /** How long appends may share one NOTIFY (default 5 ms: at most ~200 NOTIFYs a second per process). */
  notifyDelayMs?: number;
  /** Subscribers re-read at least this often, whatever happens to notifications (default 500 ms). */
  pollIntervalMs?: number;
  /** Background trouble (a failed NOTIFY, a dropped LISTEN connection); the store recovers by itself. */
  onError?: (error: unknown) => void;
}

export interface EventStore {
  append(streamId: string, expectedVersion: ExpectedVersion, events: NewEvent[]): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<LoggedEvent[]>;
  checkpointOf(position: number): Promise<LogCheckpoint | undefined>;
  subscribe(options: SubscribeOptions): Subscription;
  /**
   * For appends made with `appendToStream` inside the caller's own transaction: call it once
   * that transaction committed, and subscribers wake now rather than at their next poll.
   */
  notifyAppended(): void;
  /** Stops this store's subscriptions and its LISTEN connection, and sends a pending NOTIFY; the pool stays open. */
  close(): Promise<void>;
}

/** The event store over a pool its owner creates and ends; tables come from `migrateEventStore`. */
export function createEventStore(pool: pg.Pool, options: EventStoreOptions = {}): EventStore {
  const { channel = DEFAULT_CHANNEL, notifyDelayMs = 5, pollIntervalMs = 500, onError = () => {} } = options;
  const notifier = createWakeUpNotifier(pool, { channel, delayMs: notifyDelayMs, onError });
  const subscriptions = new Set<Subscription>();
  // One LISTEN connection per store, opened with the first subscription, closed after the last.
  let watcher: LogWatcher | undefined;

  const releaseWatcherIfIdle = async () => {
    if (subscriptions.size > 0 || !watcher) return;
    const idle = watcher;
    watcher = undefined;
    await idle.close();
  };

  return {
    async append(streamId, expectedVersion, events) {
      const { positions, nextVersion, appended } = await appendToStream(
        pool,
        streamId,
        expectedVersion,
        events,
      );
      if (appended) notifier.schedule();
      return { positions, nextVersion };
    },
    readStream: (streamId, readOptions) => readStream(pool, streamId, readOptions),
    readAll: (readOptions) => readAll(pool, readOptions),
    checkpointOf: (position) => checkpointOf(pool, position),
    subscribe(subscribeOptions) {
      watcher ??= createLogWatcher(pool, { channel, pollIntervalMs, onError });
      const source = {
        readPage: (after: LogCheckpoint, limit: number) => readAll(pool, { after, limit }),
        hasHeldBack: (after: LogCheckpoint) => hasHeldBackEvents(pool, after),
      };
      const subscription = subscribeToLog(source, watcher, subscribeOptions);
      subscriptions.add(subscription);
      void subscription.done.then(() => {
        subscriptions.delete(subscription);
        return releaseWatcherIfIdle();
      });
      return subscription;
    },
    notifyAppended: () => notifier.schedule(),
    async close() {
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
      await releaseWatcherIfIdle();
      await notifier.flush();
    },
  };
}
