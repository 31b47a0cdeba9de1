import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureLocalAuth, mintStaffToken } from '../api/auth';
import { apiConfig } from '../config/api';
import { type EmbeddedPostgresHandle, freePort, startEmbeddedPostgres } from '../embedded/postgres';
import { canConnect, temporalBinary } from '../embedded/temporal';
import { registeredSearchAttributes } from '../workflows/searchAttributes';
import { SERVICES, shopServices } from './services';

export { SERVICES } from './services';

import { type ServiceDefinition, Supervisor } from './supervisor';

export interface SystemSettings {
  /** How long a READY drink waits for its customer (the abandoned path). */
  pickupWindowSeconds: number;
  /** Menu brew seconds times this: 0.03 makes a latte in 1.8 s and a slow tea in ~16 s. */
  brewScale: number;
  /** Keep the run's logs here (else in the temporary folder, removed with it). */
  logDir: string;
  log: (line: string) => void;
}

export interface RunningSystem {
  apiUrl: string;
  /** A barista's JWT the API accepts (signed with this run's own key). */
  staffToken: string;
  databaseUrl: string;
  temporalAddress: string;
  simulatorUrl: string;
  supervisor: Supervisor;
  /** A service's definition, to start it again after a kill. */
  definition(name: string): ServiceDefinition;
  restartPostgres(downMs: number): Promise<void>;
  restartTemporal(downMs: number): Promise<void>;
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
    killPostmaster(join(work, 'pg'));
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
    killPostmaster(join(work, 'pg'));
    rmSync(work, { recursive: true, force: true });
    process.off('exit', killEverythingNow);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  try {
    const pgPort = await freePort();
    postgres = await startEmbeddedPostgres({ dataDir: join(work, 'pg'), port: pgPort });
    const databaseUrl = postgres.url;
    settings.log(`Postgres on ${pgPort} (data in ${postgres.dataDir})`);

    const temporalPort = await freePort();
    const temporalAddress = `127.0.0.1:${temporalPort}`;
    const temporal: ServiceDefinition = {
      name: 'temporal',
      command: temporalBinary('cli'),
      args: [
        'server',
        'start-dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(temporalPort),
        '--ui-port',
        String(await freePort()),
        '--log-level',
        'warn',
        '--namespace',
        'default',
        // On disk, so a restart brings every running saga back.
        '--db-filename',
        join(work, 'temporal.db'),
        ...registeredSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${key.type}`]),
      ],
      env: process.env,
      ready: { probe: () => canConnect(temporalPort) },
    };
    await supervisor.start(temporal);
    settings.log(`Temporal dev server on ${temporalAddress}`);

    const auth = await ensureLocalAuth(join(work, 'auth'));
    const { issuer, audience } = apiConfig().auth;
    const staffToken = await mintStaffToken(auth.signingKeyFile, {
      subject: 'chaos-barista',
      roles: ['barista'],
      issuer,
      audience,
    });
    const apiPort = await freePort();
    const simulatorPort = await freePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
    const definitions = new Map(
      shopServices({
        databaseUrl,
        temporalAddress,
        apiUrl,
        apiPort,
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
    settings.log(`all up: API ${apiUrl}, notification provider ${simulatorUrl}`);

    return {
      apiUrl,
      staffToken,
      databaseUrl,
      temporalAddress,
      simulatorUrl,
      supervisor,
      definition(name) {
        const definition = definitions.get(name);
        if (!definition) throw new Error(`no service ${name}`);
        return definition;
      },
      async restartPostgres(downMs) {
        await postgres!.stop();
        await new Promise((done) => setTimeout(done, downMs));
        await postgres!.start();
      },
      async restartTemporal(downMs) {
        await supervisor.stop('temporal');
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

/** The embedded server's postmaster, by its pid file: for the synchronous exit hook. */
function killPostmaster(dataDir: string): void {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 'SIGQUIT');
  } catch {
    // not running
  }
}
