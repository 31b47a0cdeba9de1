import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Env, InvalidConfig } from './read';

const root = resolve(import.meta.dirname, '..');

/** What `npm start` records in `<data dir>/running.json` so operator tools find it with no variable. */
export interface RunningSystem {
  pid: number;
  startedAt: string;
  databaseUrl: string;
  temporalAddress: string;
  temporalUiUrl: string;
  apiUrl: string;
  notificationProviderUrl: string;
}

/** `BREW_SAGA_DATA_DIR`, else `.data/` at the repository root: where `npm start` keeps its state. */
export const dataDirOf = (env: Env = process.env): string =>
  resolve(env.BREW_SAGA_DATA_DIR || join(root, '.data'));

const runningFile = (dataDir: string) => join(dataDir, 'running.json');

export function recordRunningSystem(dataDir: string, system: RunningSystem): void {
  writeFileSync(runningFile(dataDir), `${JSON.stringify(system, null, 2)}\n`, { mode: 0o600 });
}

/** Removes the record, only if it is this process's (another `npm start` may have taken over). */
export function forgetRunningSystem(dataDir: string, pid: number = process.pid): void {
  if (readRecord(dataDir)?.pid === pid) rmSync(runningFile(dataDir), { force: true });
}

function readRecord(dataDir: string): RunningSystem | undefined {
  try {
    return JSON.parse(readFileSync(runningFile(dataDir), 'utf8')) as RunningSystem;
  } catch {
    return undefined;
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The `npm start` running on this data dir; a record left by a process that died is ignored. */
export function findRunningSystem(env: Env = process.env): RunningSystem | undefined {
  const record = readRecord(dataDirOf(env));
  return record && Number.isSafeInteger(record.pid) && alive(record.pid) ? record : undefined;
}

/**
 * The environment an operator tool runs with: its own variables win; what they leave unset comes
 * from the running `npm start` (its addresses, and the dev keys it made, never written elsewhere).
 */
export function operatorEnv(env: Env = process.env): Env {
  const running = findRunningSystem(env);
  if (!running) return env;
  const keysFile = join(dataDirOf(env), 'dev-keys.json');
  const devKeys = existsSync(keysFile) ? (JSON.parse(readFileSync(keysFile, 'utf8')) as Env) : {};
  const found: Env = {
    DATABASE_URL: running.databaseUrl,
    TEMPORAL_ADDRESS: running.temporalAddress,
    TEMPORAL_UI_URL: running.temporalUiUrl,
    NOTIFICATION_PROVIDER_URL: running.notificationProviderUrl,
    ...devKeys,
  };
  const unset = Object.entries(found).filter(([name]) => !env[name]);
  return { ...Object.fromEntries(unset), ...Object.fromEntries(Object.entries(env).filter(([, v]) => v)) };
}

/** For a tool that needs Postgres: a clear sentence when neither DATABASE_URL nor a running system gives one. */
export function requireDatabase(env: Env, tool: string): void {
  if (env.DATABASE_URL) return;
  throw new InvalidConfig([
    `DATABASE_URL is not set, and no running \`npm start\` was found (${runningFile(dataDirOf(env))}):` +
      ` start the shop with \`npm start\`, or set DATABASE_URL=postgres://… for ${tool}`,
  ]);
}
