/** One of our long-running processes; Postgres and Temporal are someone else's. */
export interface ShopProcess {
  name: string;
  /** Its entry point, relative to the repository root. */
  entry: string;
  /** How many run in production (docker-compose.yml) and under chaos; `npm start` runs one of each. */
  replicas: number;
  /** A line it prints once it does its job. */
  readyLine: RegExp;
  /** Its name in traces (OTEL_SERVICE_NAME overrides it). */
  serviceName: string;
}

/**
 * Every process of the shop, written once: `npm start` (bin/dev.ts), the chaos harness and the
 * compose file's check read this list. The worker comes first: it migrates the event store.
 */
export const SHOP_PROCESSES = [
  {
    name: 'worker',
    entry: 'bin/worker.ts',
    replicas: 1,
    readyLine: /orders worker polling/,
    serviceName: 'brew-saga-orders-worker',
  },
  {
    name: 'barista',
    entry: 'bin/barista.ts',
    replicas: 2,
    readyLine: /barista polling/,
    serviceName: 'brew-saga-barista',
  },
  {
    name: 'projector',
    entry: 'bin/projector.ts',
    replicas: 2,
    readyLine: /projector started/,
    serviceName: 'brew-saga-projector',
  },
  {
    name: 'notifier',
    entry: 'bin/notifier.ts',
    replicas: 1,
    readyLine: /notifier started/,
    serviceName: 'brew-saga-notifier',
  },
  { name: 'api', entry: 'bin/api.ts', replicas: 1, readyLine: /listening on/, serviceName: 'brew-saga-api' },
] as const satisfies readonly ShopProcess[];

export type ShopProcessName = (typeof SHOP_PROCESSES)[number]['name'];

/** The instances of a process when it runs `replicas` times: `barista-1`, `barista-2`; or just `api`. */
export const instanceNames = (process: ShopProcess): string[] =>
  process.replicas === 1
    ? [process.name]
    : Array.from({ length: process.replicas }, (_, index) => `${process.name}-${index + 1}`);

export const shopProcess = (name: ShopProcessName): ShopProcess =>
  SHOP_PROCESSES.find((process) => process.name === name)!;
