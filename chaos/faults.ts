import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { type FaultContext, performFault } from './faultActions';
import type { ChaosHttp } from './http';
import type { Random } from './random';
import { type RunningSystem, SERVICES } from './system';

/**
 * SIGKILLs of our processes (the notifier's active instance, standby taking over), crashes
 * (SIGKILL) of Postgres and Temporal, and network faults through Toxiproxy.
 */
export const FAULT_KINDS = [
  'ordersWorker',
  'barista',
  'projector',
  'api',
  'notifier',
  'postgresCrash',
  'temporalCrash',
  /** 300 ms ± 100 ms on every connection to Postgres and Temporal. */
  'latency',
  /** The active projector blackholed from Postgres: its locks must pass to the standby. */
  'partition',
  /** Every Postgres connection reset (RST) mid-transaction. */
  'connectionReset',
  /** Postgres unreachable for everyone while orders keep arriving. */
  'postgresOutage',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultDurations {
  latencyMs: number;
  partitionMs: number;
  resetMs: number;
  outageMs: number;
}

export interface PlannedFault {
  kind: FaultKind;
  /** Since the load started. */
  atMs: number;
  target: string;
  downMs: number;
}

export interface PerformedFault extends PlannedFault {
  /** When it actually happened, since the load started. */
  startedMs: number;
  /** From the kill (or cut) until the target was back. */
  outageMs: number;
  /** A leader fault (partition, notifier): until every lock it held was someone else's; null = never. */
  takeoverMs?: number | null;
  error?: string;
}

/** Faults that share a lane never overlap (both APIs never down, a partition never during a crash). */
const lanesOf = (kind: FaultKind, target: string): string[] =>
  ({
    ordersWorker: [target],
    barista: [target],
    projector: ['projectors'],
    api: ['apis'],
    notifier: ['notifiers'],
    temporalCrash: ['temporal'],
    postgresCrash: ['database'],
    latency: ['database'],
    connectionReset: ['database'],
    postgresOutage: ['database'],
    partition: ['database', 'projectors'],
  })[kind];

/** Spreads the faults over the load (10%..85% of it), in seeded random order and moments. */
export function planFaults(
  counts: Partial<Record<FaultKind, number>>,
  loadMs: number,
  random: Random,
): PlannedFault[] {
  const kinds = random.shuffle(
    (Object.entries(counts) as [FaultKind, number][]).flatMap(([kind, n]) => Array<FaultKind>(n).fill(kind)),
  );
  const slot = (0.75 * loadMs) / Math.max(kinds.length, 1);
  // Where a kind has several instances, the kills take turns (first one picked at random).
  const turns: Partial<Record<FaultKind, string[]>> = {
    barista: random.shuffle(SERVICES.baristas),
    projector: random.shuffle(SERVICES.projectors),
    api: random.shuffle(SERVICES.apis),
  };
  const taken: Partial<Record<FaultKind, number>> = {};
  const targetOf = (kind: FaultKind): string => {
    const turn = turns[kind];
    if (turn) {
      taken[kind] = (taken[kind] ?? -1) + 1;
      return turn[taken[kind] % turn.length]!;
    }
    // The notifier's and the partition's victim is whoever is active when it strikes.
    return kind === 'ordersWorker' ? SERVICES.ordersWorker : kind;
  };
  return kinds
    .map((kind, index) => ({
      kind,
      atMs: Math.round(0.1 * loadMs + slot * (index + 0.5) + random.between(-0.3, 0.3) * slot),
      target: targetOf(kind),
      downMs: Math.round(random.between(500, 3_000)),
    }))
    .sort((a, b) => a.atMs - b.atMs);
}

/** Carries out the plan while the driver runs; faults sharing a lane wait for each other. */
export async function runFaults(
  plan: PlannedFault[],
  context: {
    system: RunningSystem;
    http: ChaosHttp;
    pool: pg.Pool;
    durations: FaultDurations;
    startedAt: number;
    log: (line: string) => void;
  },
): Promise<PerformedFault[]> {
  const { http, startedAt, log } = context;
  const lanes = new Map<string, Promise<unknown>>();
  const performed: PerformedFault[] = [];
  const faultContext: FaultContext = context;

  async function perform(fault: PlannedFault): Promise<void> {
    const due = startedAt + fault.atMs;
    if (due > Date.now()) await sleep(due - Date.now());
    const started = Date.now();
    // Answers the API gives while something it depends on is down are judged as outage answers.
    const endWindow = ['ordersWorker', 'barista', 'projector', 'notifier', 'partition'].includes(fault.kind)
      ? () => {}
      : http.openWindow(fault.kind);
    const record: PerformedFault = { ...fault, startedMs: started - startedAt, outageMs: 0 };
    log(`fault: ${fault.kind} ${fault.target}`);
    try {
      const outcome = await performFault(fault, faultContext);
      if (outcome.target) record.target = outcome.target;
      if (outcome.takeoverMs !== undefined) record.takeoverMs = outcome.takeoverMs;
    } catch (error) {
      record.error = String(error);
      log(`fault ${fault.kind} on ${fault.target} failed: ${record.error}`);
    } finally {
      endWindow();
      record.outageMs = Date.now() - started;
      performed.push(record);
      log(`${fault.kind} ${record.target} over after ${record.outageMs} ms`);
    }
  }

  await Promise.all(
    plan.map((fault) => {
      const mine = lanesOf(fault.kind, fault.target);
      const next = Promise.all(mine.map((lane) => lanes.get(lane))).then(() => perform(fault));
      for (const lane of mine) lanes.set(lane, next);
      return next;
    }),
  );
  return performed.sort((a, b) => a.startedMs - b.startedMs);
}
