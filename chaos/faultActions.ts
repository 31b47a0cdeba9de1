import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { FaultDurations, PlannedFault } from './faults';
import { awaitLeader, waitForTakeover } from './leaders';
import { type RunningSystem, SERVICES } from './system';
import type { Toxic } from './toxiproxy';

export interface FaultContext {
  system: RunningSystem;
  /** Straight to Postgres (past Toxiproxy): who holds which lock. */
  pool: pg.Pool;
  durations: FaultDurations;
  log: (line: string) => void;
}

export interface FaultOutcome {
  /** The victim, when it is chosen at the moment (the active notifier or projector). */
  target?: string;
  takeoverMs?: number | null;
}

/** How long a standby may take to notice before the run calls it a failed takeover. */
const TAKEOVER_PATIENCE_MS = 60_000;

const LATENCY: Toxic[] = [
  { type: 'latency', stream: 'downstream', attributes: { latency: 300, jitter: 100 } },
];
/** Nothing gets through either way and nothing is closed: a silent partition. */
const BLACKHOLE: Toxic[] = [
  { type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } },
  { type: 'timeout', stream: 'downstream', attributes: { timeout: 0 } },
];
/** The first bytes a connection sends are followed 50 ms later by an RST: mid-transaction. */
const RESET: Toxic[] = [{ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 50 } }];

/** Carries out one fault and waits until it is over (the victim is back or the cut healed). */
export async function performFault(fault: PlannedFault, context: FaultContext): Promise<FaultOutcome> {
  const { system, durations } = context;
  const { toxiproxy, supervisor } = system;
  const allPostgres = Object.values(system.postgresProxies);
  const withToxics = async (proxies: string[], name: string, toxics: Toxic[], ms: number) => {
    const undo = await toxiproxy.applyToxics(proxies, name, toxics);
    try {
      await sleep(ms);
    } finally {
      await undo();
    }
  };
  const killAndRestart = async (target: string) => {
    await supervisor.kill(target);
    await sleep(fault.downMs);
    await supervisor.restart(target, system.definition(target));
  };

  switch (fault.kind) {
    case 'postgresCrash':
      await system.crashPostgres(fault.downMs);
      return {};
    case 'temporalCrash':
      await system.crashTemporal(fault.downMs);
      return {};
    case 'latency':
      await withToxics([...allPostgres, system.temporalProxy], 'latency', LATENCY, durations.latencyMs);
      return {};
    case 'connectionReset':
      await withToxics(allPostgres, 'reset', RESET, durations.resetMs);
      return {};
    case 'postgresOutage':
      await Promise.all(allPostgres.map((proxy) => toxiproxy.setEnabled(proxy, false)));
      try {
        await sleep(durations.outageMs);
      } finally {
        await Promise.all(allPostgres.map((proxy) => toxiproxy.setEnabled(proxy, true)));
      }
      return {};
    case 'partition': {
      const active = await awaitLeader(context.pool, supervisor, SERVICES.projectors, 'projector:');
      if (!active) throw new Error('no projector holds a lock');
      const proxy = system.postgresProxies[active.leader]!;
      const undo = await toxiproxy.applyToxics([proxy], 'partition', BLACKHOLE);
      let takeoverMs: number | null;
      try {
        const cut = Date.now();
        takeoverMs = await waitForTakeover(
          context.pool,
          supervisor,
          SERVICES.projectors,
          active.leader,
          active.locks,
          durations.partitionMs,
        );
        await sleep(Math.max(0, cut + durations.partitionMs - Date.now()));
      } finally {
        await undo();
      }
      context.log(
        `partition of ${active.leader}: its ${active.locks.length} locks taken over in ${takeoverMs} ms`,
      );
      return { target: active.leader, takeoverMs };
    }
    case 'notifier': {
      const active = await awaitLeader(context.pool, supervisor, SERVICES.notifiers, 'notifier:');
      const target = active?.leader ?? SERVICES.notifiers[0]!;
      await supervisor.kill(target);
      const takeoverMs = active
        ? await waitForTakeover(
            context.pool,
            supervisor,
            SERVICES.notifiers,
            target,
            active.locks,
            TAKEOVER_PATIENCE_MS,
          )
        : undefined;
      await sleep(fault.downMs);
      await supervisor.restart(target, system.definition(target));
      return { target, ...(takeoverMs === undefined ? {} : { takeoverMs }) };
    }
    default:
      await killAndRestart(fault.target);
      return {};
  }
}
