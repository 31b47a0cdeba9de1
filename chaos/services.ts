import { newKeyEnv } from '../keys';
import {
  instanceNames,
  SHOP_PROCESSES,
  type ShopProcess,
  type ShopProcessName,
  shopProcess,
} from '../processes/list';
import type { ServiceDefinition } from './supervisor';

/** Under chaos a standby notifier waits to take over, and two APIs share the load (round robin). */
const CHAOS_REPLICAS: Partial<Record<ShopProcessName, number>> = { notifier: 2, api: 2 };
const chaosInstances = (process: ShopProcess) =>
  instanceNames({
    ...process,
    replicas: CHAOS_REPLICAS[process.name as ShopProcessName] ?? process.replicas,
  });

/** The services the chaos run kills; Postgres and Temporal are crashed apart (see faults.ts). */
export const SERVICES = {
  ordersWorker: shopProcess('worker').name,
  baristas: instanceNames(shopProcess('barista')),
  projectors: instanceNames(shopProcess('projector')),
  simulator: 'provider-simulator',
  notifiers: chaosInstances(shopProcess('notifier')),
  apis: chaosInstances(shopProcess('api')),
} as const;

export interface ShopServiceOptions {
  /** Each service's own way to Postgres (its own Toxiproxy proxy, so one can be cut off alone). */
  databaseUrlOf: (service: string) => string;
  /** Temporal, through its proxy. */
  temporalAddress: string;
  /** One port per API instance, in the order of SERVICES.apis. */
  apiPorts: number[];
  simulatorUrl: string;
  simulatorPort: number;
  pickupWindowSeconds: number;
  /** The saga gives a payment up after this: longer than any outage, or a good card would fail. */
  paymentGiveUpSeconds: number;
  brewScale: number;
  /** API_TOKEN_SECRET and AUTH_JWKS_FILE: order tokens and staff JWTs the driver can present. */
  tokenSecret: string;
  jwksFile: string;
}

/** Fault-friendly settings per process: short waits, a slow and flaky gateway, a jamming machine. */
function chaosEnv(name: ShopProcessName, instance: string, options: ShopServiceOptions): NodeJS.ProcessEnv {
  switch (name) {
    case 'worker':
      // `tok_silent` answers 15 s after the saga's give-up (set on the API below).
      return {
        GATEWAY_LEDGER: 'postgres',
        GATEWAY_SLOW_MS: '2000',
        GATEWAY_FLAKY_FAILURES: '2',
        GATEWAY_LATE_MS: '6000',
        GATEWAY_SILENT_MS: String((options.paymentGiveUpSeconds + 15) * 1_000),
      };
    case 'barista':
      return {
        COFFEE_BREW_SCALE: String(options.brewScale),
        // One jammed try per order: it clears on the retry even when a kill costs an attempt.
        COFFEE_JAM_FAILURES: '1',
        COFFEE_SLOW_FACTOR: '3',
        COFFEE_TICK_MS: '200',
        BARISTA_CONCURRENCY: '10',
      };
    case 'projector':
      return { PROJECTOR_POLL_INTERVAL_MS: '200', PROJECTOR_LOCK_RETRY_MS: '500' };
    case 'notifier':
      return {
        NOTIFICATION_PROVIDER_URL: options.simulatorUrl,
        NOTIFIER_METRICS_PORT: '0',
        NOTIFIER_STANDBY_POLL_MS: '500',
        NOTIFIER_INSTANCE_ID: `chaos-${instance}`,
      };
    case 'api':
      return {
        HOST: '127.0.0.1',
        PORT: String(options.apiPorts[SERVICES.apis.indexOf(instance)]),
        LOG_LEVEL: 'warn',
        ORDER_PICKUP_WINDOW_SECONDS: String(options.pickupWindowSeconds),
        ORDER_PAYMENT_GIVE_UP_SECONDS: String(options.paymentGiveUpSeconds),
        API_SHUTDOWN_GRACE_MS: '3000',
        API_TOKEN_SECRET: options.tokenSecret,
        AUTH_JWKS_FILE: options.jwksFile,
        // One driver, one client address: the per-client limits would throttle the load itself.
        API_RATE_ORDERS: '1000000',
        API_RATE_COMMANDS: '1000000',
      };
  }
}

const runKeys = newKeyEnv('chaos');

/**
 * Every process of the shop (processes/list.ts) at its production replica count, plus the
 * notification provider simulator as its own process; Postgres and Temporal are started apart.
 */
export function shopServices(options: ShopServiceOptions): ServiceDefinition[] {
  const common = {
    ...process.env,
    // One run's keys, shared by every process (what one seals, the others open).
    ...runKeys,
    TEMPORAL_ADDRESS: options.temporalAddress,
    LOG_LEVEL: 'info',
  };
  const node = (name: string, args: string[], env: NodeJS.ProcessEnv, ready: ServiceDefinition['ready']) =>
    ({
      name,
      command: process.execPath,
      args: ['--import', 'tsx', ...args],
      env: { ...common, DATABASE_URL: options.databaseUrlOf(name), ...env },
      ready,
    }) satisfies ServiceDefinition;

  const shop = SHOP_PROCESSES.flatMap((process) =>
    chaosInstances(process).map((name) =>
      node(
        name,
        [process.entry],
        chaosEnv(process.name, name, options),
        process.name === 'api'
          ? { probe: async () => (await fetch(`${apiUrlOf(options, name)}/healthz`)).ok }
          : { line: process.readyLine },
      ),
    ),
  );
  const simulator = node(
    SERVICES.simulator,
    ['bin/notifications.ts', 'simulator'],
    { NOTIFICATION_SIMULATOR_PORT: String(options.simulatorPort) },
    { line: /provider simulator on/ },
  );
  return [...shop, simulator];
}

export const apiUrlOf = (options: Pick<ShopServiceOptions, 'apiPorts'>, api: string) =>
  `http://127.0.0.1:${options.apiPorts[SERVICES.apis.indexOf(api)]}`;
