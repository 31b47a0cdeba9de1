import { join } from 'node:path';
import type { ServiceDefinition } from './supervisor';

/** The services the chaos run kills; Postgres and Temporal are restarted instead (see faults.ts). */
export const SERVICES = {
  ordersWorker: 'orders-worker',
  baristas: ['barista-1', 'barista-2'],
  projectors: ['projector-1', 'projector-2'],
  simulator: 'provider-simulator',
  notifier: 'notifier',
  api: 'api',
} as const;

export interface ShopServiceOptions {
  databaseUrl: string;
  temporalAddress: string;
  apiUrl: string;
  apiPort: number;
  simulatorUrl: string;
  simulatorPort: number;
  pickupWindowSeconds: number;
  brewScale: number;
}

/** Every process of the shop but Postgres and Temporal: `node --import tsx bin/<name>.ts` with fault-friendly env. */
export function shopServices(options: ShopServiceOptions): ServiceDefinition[] {
  const { databaseUrl, temporalAddress, apiUrl, apiPort, simulatorUrl, simulatorPort } = options;
  const common = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    LOG_LEVEL: 'info',
  };
  const node = (name: string, script: string, env: NodeJS.ProcessEnv, ready: ServiceDefinition['ready']) =>
    ({
      name,
      command: process.execPath,
      args: ['--import', 'tsx', join('bin', script), ...(script === 'notifications.ts' ? ['simulator'] : [])],
      env: { ...common, ...env },
      ready,
    }) satisfies ServiceDefinition;

  const definitions: ServiceDefinition[] = [];
  const add = (definition: ServiceDefinition) => definitions.push(definition);
  add(
    node(
      SERVICES.ordersWorker,
      'worker.ts',
      // `tok_silent` answers after 60 s: after the saga's give-up (45 s, set on the API below).
      {
        GATEWAY_LEDGER: 'postgres',
        GATEWAY_SLOW_MS: '2000',
        GATEWAY_FLAKY_FAILURES: '2',
        GATEWAY_LATE_MS: '6000',
        GATEWAY_SILENT_MS: '60000',
      },
      { line: /orders worker polling/ },
    ),
  );
  for (const name of SERVICES.baristas)
    add(
      node(
        name,
        'barista.ts',
        {
          COFFEE_BREW_SCALE: String(options.brewScale),
          // One jammed try per order: it clears on the retry even when a kill costs an attempt.
          COFFEE_JAM_FAILURES: '1',
          COFFEE_SLOW_FACTOR: '3',
          COFFEE_TICK_MS: '200',
          BARISTA_CONCURRENCY: '10',
        },
        { line: /barista polling/ },
      ),
    );
  for (const name of SERVICES.projectors)
    add(
      node(
        name,
        'projector.ts',
        { PROJECTOR_POLL_INTERVAL_MS: '200', PROJECTOR_LOCK_RETRY_MS: '500' },
        { line: /projector started/ },
      ),
    );
  add(
    node(
      SERVICES.simulator,
      'notifications.ts',
      { NOTIFICATION_SIMULATOR_PORT: String(simulatorPort) },
      { line: /provider simulator on/ },
    ),
  );
  add(
    node(
      SERVICES.notifier,
      'notifier.ts',
      {
        NOTIFICATION_PROVIDER_URL: simulatorUrl,
        NOTIFIER_METRICS_PORT: '0',
        NOTIFIER_STANDBY_POLL_MS: '500',
        NOTIFIER_INSTANCE_ID: 'chaos-notifier',
      },
      { line: /notifier started/ },
    ),
  );
  add(
    node(
      SERVICES.api,
      'api.ts',
      {
        HOST: '127.0.0.1',
        PORT: String(apiPort),
        LOG_LEVEL: 'warn',
        ORDER_PICKUP_WINDOW_SECONDS: String(options.pickupWindowSeconds),
        ORDER_PAYMENT_GIVE_UP_SECONDS: '45',
        API_SHUTDOWN_GRACE_MS: '3000',
      },
      { probe: async () => (await fetch(`${apiUrl}/healthz`)).ok },
    ),
  );
  return definitions;
}
