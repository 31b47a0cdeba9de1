import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureLocalAuth, mintStaffToken } from '../api/auth';
import { apiConfig } from '../config/api';
import { type EmbeddedPostgresHandle, freePort, startEmbeddedPostgres } from '../embedded/postgres';
import { crashPostgres, postmasterPid } from './postgresCrash';
import { apiUrlOf, SERVICES, shopServices } from './services';
import { type ServiceDefinition, Supervisor } from './supervisor';
import { temporalService } from './temporalService';
import { Toxiproxy, toxiproxyService } from './toxiproxy';

export { SERVICES } from './services';

export interface SystemSettings {
  /** How long a READY drink waits for its customer (the abandoned path). */
  pickupWindowSeconds: number;
  /** The saga gives a payment up after this (the `gatewaySlowerThanGiveUp` path). */
  paymentGiveUpSeconds: number;
  /** Menu brew seconds times this: 0.03 makes a latte in 1.8 s and a slow tea in ~16 s. */
  brewScale: number;
  /** Keep the run's logs here (else in the temporary folder, removed with it). */
  logDir: string;
  log: (line: string) => void;
}

export interface RunningSystem {
  /** One per API process (SERVICES.apis); the driver takes turns. */
  apiUrls: string[];
  /** A barista's JWT the API accepts (signed with this run's own key). */
  staffToken: string;
  /** Straight to Postgres, past Toxiproxy: the harness's own checks. */
  databaseUrl: string;
  temporalAddress: string;
  simulatorUrl: string;
  supervisor: Supervisor;
  toxiproxy: Toxiproxy;
  /** Each service's Toxiproxy proxy to Postgres, by service name. */
  postgresProxies: Record<string, string>;
  /** The one proxy every process reaches Temporal through. */
  temporalProxy: string;
  /** A service's definition, to start it again after a kill. */
  definition(name: string): ServiceDefinition;
  /** SIGKILL to the whole cluster, then a start that must recover from the WAL. */
  crashPostgres(downMs: number): Promise<void>;
  /** SIGKILL to the dev server; its database file stays. */
  crashTemporal(downMs: number): Promise<void>;
  /** Everything down, the temporary folder removed. Safe to call twice. */
  stop(): Promise<void>;
}

const root = resolve(import.meta.dirname, '..');

/** Postgres (in this process, embedded), then every other part of the shop as its own OS process. */
export async function startSystem(settings: SystemSettings): Promise<RunningSystem> {
  const work = mkdtempSync(join(tmpdir(), 'brew-saga-chaos-'));
  mkdirSync(settings.logDir, { recursive: true });
  const supervisor = new Supervisor({
    cwd: root,
    logDir: settings.logDir,
    log: settings.log,
    restartOnCrash: true,
  });
  let postgres: EmbeddedPostgresHandle | undefined;
  let stopped = false;

  // Whatever happens to us (an exception, Ctrl-C), nothing we started may outlive us.
  const killEverythingNow = () => {
    supervisor.killAllNow();
    const pid = postmasterPid(join(work, 'pg'));
    if (pid) process.kill(pid, 'SIGQUIT');
    rmSync(work, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    settings.log(`${signal}: stopping everything`);
    void stop().finally(() => process.exit(130));
  };
  process.on('exit', killEverythingNow);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    await supervisor.stopAll().catch((error) => settings.log(`stopping services: ${String(error)}`));
    await postgres?.stop().catch((error) => settings.log(`stopping Postgres: ${String(error)}`));
    const pid = postmasterPid(join(work, 'pg'));
    if (pid) process.kill(pid, 'SIGQUIT');
    rmSync(work, { recursive: true, force: true });
    process.off('exit', killEverythingNow);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  try {
    const pgPort = await freePort();
    // fsync stays on (the default): a SIGKILLed cluster must come back with every commit.
    const pgLog = createWriteStream(join(settings.logDir, 'postgres.log'), { flags: 'a' });
    postgres = await startEmbeddedPostgres({
      dataDir: join(work, 'pg'),
      port: pgPort,
      log: (line) => pgLog.write(line.endsWith('\n') ? line : `${line}\n`),
    });
    const databaseUrl = postgres.url;
    settings.log(`Postgres on ${pgPort} (data in ${postgres.dataDir})`);

    const toxiPort = await freePort();
    await supervisor.start(toxiproxyService(toxiPort));
    const toxiproxy = new Toxiproxy(`http://127.0.0.1:${toxiPort}`);

    const temporalPort = await freePort();
    const temporal = temporalService(temporalPort, await freePort(), join(work, 'temporal.db'));
    await supervisor.start(temporal);
    const temporalProxyPort = await freePort();
    await toxiproxy.createProxy('temporal', temporalProxyPort, `127.0.0.1:${temporalPort}`);
    const temporalAddress = `127.0.0.1:${temporalProxyPort}`;
    settings.log(`Temporal dev server on ${temporalPort}, Toxiproxy on ${toxiPort}`);

    const auth = await ensureLocalAuth(join(work, 'auth'));
    const { issuer, audience } = apiConfig().auth;
    const staffToken = await mintStaffToken(auth.signingKeyFile, {
      subject: 'chaos-barista',
      roles: ['barista'],
      issuer,
      audience,
    });
    const apiPorts = await Promise.all(SERVICES.apis.map(() => freePort()));
    const simulatorPort = await freePort();
    const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
    const postgresProxies: Record<string, string> = {};
    const proxyUrls = new Map<string, string>();
    const databaseUrlOf = (service: string) => {
      const url = proxyUrls.get(service);
      if (!url) throw new Error(`no Postgres proxy for ${service}`);
      return url;
    };
    const names = [
      SERVICES.ordersWorker,
      ...SERVICES.baristas,
      ...SERVICES.projectors,
      ...SERVICES.notifiers,
      ...SERVICES.apis,
      SERVICES.simulator,
    ];
    for (const name of names) {
      const port = await freePort();
      await toxiproxy.createProxy(`pg-${name}`, port, `127.0.0.1:${pgPort}`);
      postgresProxies[name] = `pg-${name}`;
      const url = new URL(databaseUrl);
      url.port = String(port);
      proxyUrls.set(name, url.toString());
    }
    const definitions = new Map(
      shopServices({
        databaseUrlOf,
        temporalAddress,
        apiPorts,
        simulatorUrl,
        simulatorPort,
        tokenSecret: auth.tokenSecret,
        jwksFile: auth.jwksFile,
        ...settings,
      }).map((definition) => [definition.name, definition]),
    );
    definitions.set('temporal', temporal);

    // The orders worker first: it migrates the event store the others read.
    await supervisor.start(definitions.get(SERVICES.ordersWorker)!);
    await Promise.all(
      [...definitions.values()]
        .filter((definition) => definition.name !== 'temporal' && definition.name !== SERVICES.ordersWorker)
        .map((definition) => supervisor.start(definition)),
    );
    const apiUrls = SERVICES.apis.map((api) => apiUrlOf({ apiPorts }, api));
    settings.log(`all up: APIs ${apiUrls.join(', ')}, notification provider ${simulatorUrl}`);

    return {
      apiUrls,
      staffToken,
      databaseUrl,
      temporalAddress: `127.0.0.1:${temporalPort}`,
      simulatorUrl,
      supervisor,
      toxiproxy,
      postgresProxies,
      temporalProxy: 'temporal',
      definition(name) {
        const definition = definitions.get(name);
        if (!definition) throw new Error(`no service ${name}`);
        return definition;
      },
      async crashPostgres(downMs) {
        await crashPostgres(postgres!.dataDir);
        await new Promise((done) => setTimeout(done, downMs));
        await postgres!.start();
      },
      async crashTemporal(downMs) {
        await supervisor.kill('temporal');
        await new Promise((done) => setTimeout(done, downMs));
        await supervisor.restart('temporal', temporal);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
