// `npm start`: the whole system on embedded defaults, one command. Postgres (unless
// DATABASE_URL) and the Temporal dev server with its Web UI (unless TEMPORAL_ADDRESS),
// then every process as its own child, exactly as they would run in production.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startEmbeddedPostgres } from './embedded/postgres';
import { startTemporalDevServer, stopChild } from './embedded/temporal';

const PROCESSES = ['worker', 'barista', 'projector', 'notifier', 'api'] as const;
const root = resolve(import.meta.dirname, '..');
const dataDir = resolve(process.env.BREW_SAGA_DATA_DIR ?? join(root, '.data'));
const apiPort = Number(process.env.PORT ?? 3000);

const stops: Array<() => Promise<void>> = [];
const children = new Map<string, ChildProcess>();
let stopping = false;

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
    const postgres = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pg'), port });
    stops.unshift(postgres.stop);
    databaseUrl = postgres.url;
    say(`Postgres (embedded) on 127.0.0.1:${port}, data in ${postgres.dataDir}`);
  }
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  let temporalUiUrl = process.env.TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233';
  if (!temporalAddress) {
    const temporal = await startTemporalDevServer({
      port: Number(process.env.TEMPORAL_PORT ?? 7233),
      uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
      dbFile: join(dataDir, 'temporal.db'),
    });
    stops.unshift(temporal.stop);
    temporalAddress = temporal.address;
    temporalUiUrl = temporal.uiUrl;
    say(`Temporal dev server on ${temporal.address}`);
  }
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_UI_URL: temporalUiUrl,
    PORT: String(apiPort),
  };
  for (const name of PROCESSES) children.set(name, startProcess(name, env));
  say(`API        http://127.0.0.1:${apiPort}  (order board: /board, OpenAPI: /openapi.json)`);
  say(`Web UI     ${temporalUiUrl}`);
  say(
    `Notifier   http://127.0.0.1:${process.env.NOTIFIER_METRICS_PORT ?? 9466}/metrics (sent, retried, dead letters, breaker)`,
  );
  say('Ctrl-C stops everything.');
}

function startProcess(name: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bin', `${name}.ts`)], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    say(`${name} exited (${signal ?? code}); stopping everything`);
    void shutdown(1);
  });
  return child;
}

async function shutdown(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  await Promise.all([...children.values()].map((child) => stopChild(child)));
  for (const stop of stops) await stop().catch((error: unknown) => say(`stop failed: ${String(error)}`));
  process.exit(exitCode);
}

function say(line: string): void {
  console.log(`[brew-saga] ${line}`);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch((error: unknown) => {
  say(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
  void shutdown(1);
});
