// `npm start`: the whole system on embedded defaults, one command. Postgres (unless
// DATABASE_URL) and the Temporal dev server with its Web UI (unless TEMPORAL_ADDRESS),
// then every process as its own child, exactly as they would run in production.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureLocalAuth, mintStaffToken, type StaffRole } from '../api/auth';
import { loadApiConfig } from '../config/api';
import { loadDevConfig } from '../config/dev';
import { loadNotifierConfig } from '../config/notifier';
import { configOrExit } from '../config/read';
import { forgetRunningSystem, recordRunningSystem } from '../config/runningSystem';
import { startEmbeddedPostgres } from '../embedded/postgres';
import { startTemporalDevServer, stopChild } from '../embedded/temporal';
import { ensureDevKeys } from '../keys';
import { SHOP_PROCESSES } from '../processes/list';
import { logFormat, processLogger } from '../processes/log';
import { relayChildOutput } from '../processes/relay';
import { stopOnSignal } from '../processes/stopOnSignal';

const root = resolve(import.meta.dirname, '..');
const config = configOrExit('brew-saga', loadDevConfig);
const format = logFormat();
const log = processLogger('brew-saga');

const stops: Array<() => Promise<void>> = [];
const children = new Map<string, ChildProcess>();
let stopping: Promise<void> | undefined;

async function main(): Promise<void> {
  mkdirSync(config.dataDir, { recursive: true });
  // Keys from the environment win; otherwise this machine's dev keys, made on first run.
  const keys =
    process.env.VAULT_MASTER_KEYS && process.env.TEMPORAL_CODEC_KEYS ? {} : ensureDevKeys(config.dataDir);
  if ('VAULT_MASTER_KEYS' in keys)
    say(`dev keys (vault, payload codec) in ${join(config.dataDir, 'dev-keys.json')}`);
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const port = config.postgresPort;
    const postgres = await startEmbeddedPostgres({ dataDir: join(config.dataDir, 'pg'), port });
    stops.unshift(postgres.stop);
    databaseUrl = postgres.url;
    say(`Postgres (embedded) on 127.0.0.1:${port}, data in ${postgres.dataDir}`);
  }
  let temporalAddress = config.temporalAddress;
  let temporalUiUrl = config.temporalUiUrl;
  if (!temporalAddress) {
    const temporal = await startTemporalDevServer({
      port: config.temporalPort,
      uiPort: config.temporalUiPort,
      dbFile: join(config.dataDir, 'temporal.db'),
      // The Web UI decodes payloads through our API's codec server (loopback only on this default).
      uiCodecEndpoint: `http://127.0.0.1:${config.apiPort}/codec`,
    });
    stops.unshift(temporal.stop);
    temporalAddress = temporal.address;
    temporalUiUrl = temporal.uiUrl;
    say(`Temporal dev server on ${temporal.address}`);
  }
  const auth = await ensureLocalAuth(join(config.dataDir, 'auth'));
  const env = {
    ...process.env,
    API_TOKEN_SECRET: process.env.API_TOKEN_SECRET || auth.tokenSecret,
    AUTH_JWKS_FILE: process.env.AUTH_JWKS_FILE || auth.jwksFile,
    ...keys,
    // The local Web UI decodes payloads through the API without a token (see config/api.ts).
    CODEC_LOOPBACK_WITHOUT_TOKEN: process.env.CODEC_LOOPBACK_WITHOUT_TOKEN || 'true',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_UI_URL: temporalUiUrl,
    PORT: String(config.apiPort),
  };
  for (const { name, entry } of SHOP_PROCESSES) children.set(name, startProcess(name, entry, env));
  recordRunningSystem(config.dataDir, {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    databaseUrl,
    temporalAddress,
    temporalUiUrl,
    apiUrl: `http://127.0.0.1:${config.apiPort}`,
    notificationProviderUrl: providerUrlOf(env),
  });
  process.once('exit', () => forgetRunningSystem(config.dataDir));
  say(`API        http://127.0.0.1:${config.apiPort}  (order board: /board, OpenAPI: /openapi.json)`);
  say(`Web UI     ${temporalUiUrl}  (payloads decoded by http://127.0.0.1:${config.apiPort}/codec)`);
  say(
    `Notifier   http://127.0.0.1:${config.notifierMetricsPort}/metrics (sent, retried, dead letters, breaker)`,
  );
  await printStaffTokens(auth.signingKeyFile, env);
  say('Ctrl-C stops everything.');
}

/** Ready-made staff tokens for the local signing key, printed and kept in .data/dev-credentials.json. */
async function printStaffTokens(signingKeyFile: string, env: NodeJS.ProcessEnv): Promise<void> {
  // The issuer and audience the API will check, as it reads them itself.
  const { issuer, audience } = loadApiConfig(env).auth;
  const mint = (subject: string, roles: StaffRole[]) =>
    mintStaffToken(signingKeyFile, { subject, roles, issuer, audience, expiresInSeconds: 7 * 24 * 3600 });
  const credentials = {
    barista: await mint('dev-barista', ['barista']),
    manager: await mint('dev-manager', ['manager']),
  };
  const file = join(config.dataDir, 'dev-credentials.json');
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  say(`Staff tokens (valid 7 days; also in ${file}):`);
  say(`  barista  ${credentials.barista}`);
  say(`  manager  ${credentials.manager}`);
}

/** A child writes JSON records to its pipe; this process prints them once, in the terminal's format. */
function startProcess(name: string, entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, entry)], {
    env: { ...env, LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  relayChildOutput(name, child.stdout!, 'info', format);
  relayChildOutput(name, child.stderr!, 'error', format);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    say(`${name} exited (${signal ?? code}); stopping everything`);
    void stopEverything().finally(() => process.exit(1));
  });
  return child;
}

/** Where the notifier (as it reads its env) sends messages: the operator's `npm run notifications` needs it. */
function providerUrlOf(env: NodeJS.ProcessEnv): string {
  const notifier = loadNotifierConfig(env);
  return notifier.providerUrl ?? `http://127.0.0.1:${notifier.simulatorPort}`;
}

/** Children first, then Temporal and Postgres; once, whoever asks. */
function stopEverything(): Promise<void> {
  stopping ??= (async () => {
    forgetRunningSystem(config.dataDir);
    await Promise.all([...children.values()].map((child) => stopChild(child)));
    for (const stop of stops) await stop().catch((error: unknown) => say(`stop failed: ${String(error)}`));
  })();
  return stopping;
}

function say(line: string): void {
  log.info(line);
}

stopOnSignal('brew-saga', stopEverything, log);
main().catch((error: unknown) => {
  say(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
  void stopEverything().finally(() => process.exit(1));
});
