import { afterAll, beforeAll } from 'vitest';
import { createEventStore, type EventStore, migrateEventStore } from '../../../eventstore';
import { createHttpProvider } from '../../../notifications/httpProvider';
import { migrateNotifications } from '../../../notifications/migrate';
import {
  type NotificationReactor,
  type NotificationReactorOptions,
  startNotificationReactor,
} from '../../../notifications/reactor';
import { type ProviderSimulator, startProviderSimulator } from '../../../simulators/notificationProvider';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { killNotifier, type NotifierProcess, spawnNotifier } from './support';

export interface NotificationDeskOptions {
  /** The store's poll interval (its default where absent). */
  pollIntervalMs?: number;
  /** An in-process reactor on the desk, sending to the simulator, with these options. */
  reactor?: Omit<NotificationReactorOptions, 'pool' | 'store' | 'provider'>;
}

export interface NotificationDesk {
  db: TestDatabase;
  store: EventStore;
  simulator: ProviderSimulator;
  /** Filled in only when the desk was asked for a reactor. */
  reactor: NotificationReactor;
  /** `bin/notifier.ts` as its own process on this desk's database and provider; killed after the tests. */
  runNotifier(env?: Record<string, string>): NotifierProcess;
}

/**
 * A test file's notification desk: a fresh database with the event store's and the notifier's
 * tables, a store on it, a provider simulator and, when asked, a reactor; up before the file's
 * tests and down after. Its parts are filled in by `beforeAll`, so a file can name them at its top.
 */
export function useNotificationDesk(options: NotificationDeskOptions = {}): NotificationDesk {
  const desk = {
    db: {} as TestDatabase,
    store: {} as EventStore,
    simulator: {} as ProviderSimulator,
    reactor: {} as NotificationReactor,
  };
  const processes: NotifierProcess[] = [];
  beforeAll(async () => {
    fillIn(desk.db, await createTestDatabase());
    await migrateEventStore(desk.db.pool);
    await migrateNotifications(desk.db.pool);
    fillIn(desk.store, createEventStore(desk.db.pool, { pollIntervalMs: options.pollIntervalMs }));
    fillIn(desk.simulator, await startProviderSimulator());
    if (options.reactor) {
      fillIn(
        desk.reactor,
        startNotificationReactor({
          ...options.reactor,
          pool: desk.db.pool,
          store: desk.store,
          provider: createHttpProvider({ baseUrl: desk.simulator.url, timeoutMs: 500 }),
        }),
      );
    }
  });
  afterAll(async () => {
    await Promise.all(processes.map((notifier) => killNotifier(notifier)));
    await desk.reactor.stop?.();
    await desk.store.close?.();
    await desk.simulator.close?.();
    await desk.db.drop?.();
  });
  return {
    ...desk,
    runNotifier(env = {}) {
      const notifier = spawnNotifier({
        DATABASE_URL: desk.db.url,
        NOTIFICATION_PROVIDER_URL: desk.simulator.url,
        ...env,
      });
      processes.push(notifier);
      return notifier;
    },
  };
}

/** Copies `value` into the placeholder the file already holds, getters (the reactor's `active`) included. */
function fillIn<T extends object>(placeholder: T, value: T): void {
  Object.defineProperties(placeholder, Object.getOwnPropertyDescriptors(value));
}
