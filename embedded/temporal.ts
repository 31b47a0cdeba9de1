import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { findBinary } from '../scripts/temporalBinaries.mjs';
import { registeredSearchAttributes } from '../workflows/searchAttributes';
import { freePort } from './postgres';

export interface TemporalDevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

export function temporalBinary(kind: 'cli' | 'testServer'): string {
  const found = findBinary(kind);
  if (!found) {
    const hint = kind === 'cli' ? 'TEMPORAL_CLI_PATH' : 'TEMPORAL_TEST_SERVER_PATH';
    throw new Error(`Temporal ${kind} binary not found: run \`npm run setup\` or set ${hint}`);
  }
  return found.path;
}

export interface DevServerOptions {
  port?: number;
  uiPort?: number;
  /** Persist workflow histories across restarts; in memory when absent. */
  dbFile?: string;
  /** The Web UI decodes payloads there (our API's `/codec`), e.g. `http://127.0.0.1:3000/codec`. */
  uiCodecEndpoint?: string;
  log?: (line: string) => void;
}

/** The dev server's command line: loopback only, quiet, our search attributes registered. */
export function devServerArgs(
  port: number,
  uiPort: number,
  options: Pick<DevServerOptions, 'dbFile' | 'uiCodecEndpoint'> = {},
): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--log-level',
    'warn',
    '--namespace',
    'default',
    ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
    ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
    ...registeredSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${key.type}`]),
  ];
}

/** `temporal server start-dev` with the Web UI and our search attributes registered. */
export async function startTemporalDevServer(options: DevServerOptions = {}): Promise<TemporalDevServer> {
  const port = options.port ?? (await freePort());
  const uiPort = options.uiPort ?? (await freePort());
  const args = devServerArgs(port, uiPort, options);
  const child = spawn(temporalBinary('cli'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = options.log ?? (() => {});
  child.stdout?.on('data', (chunk: Buffer) => log(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => log(chunk.toString()));
  await waitForPort(port, child, 30_000);
  return {
    address: `127.0.0.1:${port}`,
    uiUrl: `http://127.0.0.1:${uiPort}`,
    stop: () => stopChild(child),
  };
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`temporal dev server exited with code ${child.exitCode}`);
    if (await canConnect(port)) return;
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`temporal dev server did not listen on ${port} within ${timeoutMs} ms`);
}

/** Whether something accepts TCP connections on this loopback port. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
