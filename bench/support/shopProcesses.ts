import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { stopChild } from '../../embedded/temporal';
import { newKeyEnv } from '../../keys';
import { type ShopProcessName, shopProcess } from '../../processes/list';

const repositoryRoot = join(import.meta.dirname, '..', '..');

export interface RunningShopProcess {
  name: ShopProcessName;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts one instance of each named shop process, in order, each once its ready line appeared
 * (the worker first: it migrates the event store). Logs go to `logDir`, never to the bench's JSON.
 */
export async function startShopProcesses(
  names: ShopProcessName[],
  env: NodeJS.ProcessEnv,
  perProcess: Partial<Record<ShopProcessName, NodeJS.ProcessEnv>>,
  logDir: string,
): Promise<RunningShopProcess[]> {
  const common = { ...process.env, ...newKeyEnv('bench'), LOG_LEVEL: 'info', ...env };
  const running: RunningShopProcess[] = [];
  for (const name of names) {
    const { entry, readyLine } = shopProcess(name);
    const child = spawn(process.execPath, ['--import', 'tsx', join(repositoryRoot, entry)], {
      env: { ...common, ...perProcess[name] },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(join(logDir, `${name}.log`));
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    running.push({ name, pid: child.pid!, stop: () => stopChild(child) });
    try {
      await readyOrExit(child, readyLine, name);
    } catch (error) {
      for (const started of running.reverse()) await started.stop();
      throw error;
    }
  }
  return running;
}

function readyOrExit(child: ChildProcess, readyLine: RegExp, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // Bundling the workflows takes a while on a busy machine.
    const timer = setTimeout(() => reject(new Error(`${name} not ready within 180 s`)), 180_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (readyLine.test(chunk.toString())) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready`));
    });
  });
}
