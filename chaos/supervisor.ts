import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** How to tell a freshly started process is usable: a line it prints, or a probe that says yes. */
export type ReadyCheck = { line: RegExp } | { probe: () => Promise<boolean> };

export interface ServiceDefinition {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  ready: ReadyCheck;
  /** Give up waiting for `ready` after this long (the process is killed and started again). */
  readyTimeoutMs?: number;
}

export interface SupervisorOptions {
  cwd: string;
  /** Each service's stdout and stderr go to `<logDir>/<name>.log`. */
  logDir: string;
  log: (line: string) => void;
  /** Start a service again when it exits on its own (as a process manager would), counting it. */
  restartOnCrash: boolean;
}

interface Running {
  definition: ServiceDefinition;
  child: ChildProcess;
  exited: Promise<void>;
  /** Set when we killed or stopped it: its exit is expected. */
  expectedExit: boolean;
}

export interface SupervisorCounts {
  kills: Record<string, number>;
  restarts: Record<string, number>;
  /** Exits nobody asked for (a crash), by service. */
  unplannedExits: Record<string, number>;
}

const bump = (counts: Record<string, number>, name: string) => {
  counts[name] = (counts[name] ?? 0) + 1;
};

/**
 * Spawns each service as its own process group, so a SIGKILL takes the whole process tree and
 * nothing survives us: `stopAll` on the way out, `killAllNow` from an exit hook.
 */
export class Supervisor {
  private readonly running = new Map<string, Running>();
  private readonly logs = new Map<string, WriteStream>();
  private readonly starting = new Map<string, Promise<void>>();
  private stopping = false;
  readonly counts: SupervisorCounts = { kills: {}, restarts: {}, unplannedExits: {} };

  constructor(private readonly options: SupervisorOptions) {}

  /**
   * Starts the service and waits until it is ready; a start that dies or hangs is retried. One
   * start per service at a time: a restart after a crash and a planned one never both spawn it.
   */
  async start(definition: ServiceDefinition, deadlineMs = 120_000): Promise<void> {
    const pending = this.starting.get(definition.name);
    if (pending) {
      await pending.catch(() => {});
      if (this.pidOf(definition.name) !== undefined) return;
    }
    const attempt = this.startOnce(definition, deadlineMs).finally(() => {
      if (this.starting.get(definition.name) === attempt) this.starting.delete(definition.name);
    });
    this.starting.set(definition.name, attempt);
    return attempt;
  }

  private async startOnce(definition: ServiceDefinition, deadlineMs: number): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    for (let attempt = 1; ; attempt += 1) {
      if (this.stopping) throw new Error(`${definition.name}: supervisor is stopping`);
      const running = this.spawn(definition);
      try {
        await this.waitUntilReady(running);
        return;
      } catch (error) {
        // Killed on purpose while it was starting: whoever killed it decides what comes next.
        if (running.expectedExit) throw new Error(`${definition.name} was stopped while starting`);
        await this.killProcessGroup(running);
        if (Date.now() > deadline) throw error;
        this.options.log(`${definition.name} did not come up (try ${attempt}): ${String(error)}; again`);
        await sleep(1_000);
      }
    }
  }

  /** The pid of a running service (its process group's leader). */
  pidOf(name: string): number | undefined {
    const running = this.running.get(name);
    return running && running.child.exitCode === null && running.child.signalCode === null
      ? running.child.pid
      : undefined;
  }

  /** SIGKILL to the process group, and wait for the exit. */
  async kill(name: string): Promise<void> {
    const running = this.running.get(name);
    if (!running) throw new Error(`${name} is not running`);
    bump(this.counts.kills, name);
    await this.killProcessGroup(running);
  }

  /** SIGTERM to the process group (a graceful stop), SIGKILL after `graceMs`. */
  async stop(name: string, graceMs = 10_000): Promise<void> {
    const running = this.running.get(name);
    if (!running) return;
    running.expectedExit = true;
    signalGroup(running.child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(running.child, 'SIGKILL'), graceMs);
    await running.exited;
    clearTimeout(timer);
  }

  /** Starts a service we killed before, with the definition it had. */
  async restart(name: string, definition: ServiceDefinition): Promise<void> {
    bump(this.counts.restarts, name);
    await this.start(definition);
  }

  /** SIGTERM every group, SIGKILL what is left after `graceMs`. */
  async stopAll(graceMs = 8_000): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.running.keys()].map((name) => this.stop(name, graceMs)));
    this.running.clear();
    await Promise.all([...this.logs.values()].map((log) => new Promise((done) => log.end(done))));
    this.logs.clear();
  }

  /** Synchronous last resort for `process.on('exit')`: SIGKILL every group still alive. */
  killAllNow(): void {
    this.stopping = true;
    for (const running of this.running.values()) {
      running.expectedExit = true;
      signalGroup(running.child, 'SIGKILL');
    }
  }

  private spawn(definition: ServiceDefinition): Running {
    const log = this.logFor(definition.name);
    const child = spawn(definition.command, definition.args, {
      cwd: this.options.cwd,
      env: definition.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    log.write(`--- ${new Date().toISOString()} start pid ${child.pid}\n`);
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.on('error', (error) => log.write(`--- spawn error: ${String(error)}\n`));
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const running: Running = { definition, child, exited, expectedExit: false };
    this.running.set(definition.name, running);
    child.once('exit', (code, signal) => {
      log.write(`--- ${new Date().toISOString()} exit ${signal ?? code}\n`);
      if (running.expectedExit || this.stopping || this.running.get(definition.name) !== running) return;
      bump(this.counts.unplannedExits, definition.name);
      this.options.log(`${definition.name} exited on its own (${signal ?? code})`);
      if (this.options.restartOnCrash)
        void sleep(1_000).then(() =>
          this.stopping || this.running.get(definition.name) !== running
            ? undefined
            : this.start(definition).catch((error) =>
                this.options.log(`${definition.name} could not be restarted: ${String(error)}`),
              ),
        );
    });
    return running;
  }

  private async waitUntilReady(running: Running): Promise<void> {
    const { definition, child } = running;
    const timeoutMs = definition.readyTimeoutMs ?? 90_000;
    const exitedEarly = running.exited.then(() => {
      throw new Error(`exited before it was ready (${child.signalCode ?? child.exitCode})`);
    });
    const timedOut = sleep(timeoutMs).then(() => {
      throw new Error(`not ready within ${timeoutMs} ms`);
    });
    exitedEarly.catch(() => {});
    timedOut.catch(() => {});
    const ready =
      'line' in definition.ready
        ? waitForLine(child, definition.ready.line)
        : waitForProbe(definition.ready.probe, () => child.exitCode !== null || child.signalCode !== null);
    await Promise.race([ready, exitedEarly, timedOut]);
  }

  private async killProcessGroup(running: Running): Promise<void> {
    running.expectedExit = true;
    signalGroup(running.child, 'SIGKILL');
    await running.exited;
  }

  private logFor(name: string): WriteStream {
    let log = this.logs.get(name);
    if (!log) {
      log = createWriteStream(join(this.options.logDir, `${name}.log`), { flags: 'a' });
      this.logs.set(name, log);
    }
    return log;
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    let tail = '';
    const onData = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4_096);
      if (pattern.test(tail)) {
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}

async function waitForProbe(probe: () => Promise<boolean>, gone: () => boolean): Promise<void> {
  while (!gone()) {
    if (await probe().catch(() => false)) return;
    await sleep(200);
  }
}
