import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { keyringSpec } from '../../../keys';
import { TEST_CODEC_KEYS } from '../../support/secrets';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs `bin/barista.ts` as its own process, as production does; resolves once it polls. */
export async function startBaristaProcess(taskQueue: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/barista.ts'], {
    cwd: root,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      BARISTA_TASK_QUEUE: taskQueue,
      BARISTA_CONCURRENCY: '1',
      COFFEE_BREW_SCALE: '0.005',
      COFFEE_TICK_MS: '50',
      // The same codec keys as this test's clients and workers: what one seals, the other opens.
      TEMPORAL_CODEC_KEYS: keyringSpec(TEST_CODEC_KEYS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('barista polling')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`barista exited with ${code}:\n${output}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    pid: child.pid!,
    output: () => output,
    async stop(): Promise<number | null> {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
