import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosHttp } from './http';
import type { Random } from './random';
import { type RunningSystem, SERVICES } from './system';

/** SIGKILL + start again for the processes; a restart (stop, start) for Postgres and Temporal. */
export type FaultKind = 'ordersWorker' | 'barista' | 'projector' | 'api' | 'postgres' | 'temporal';

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
  /** From the kill (or stop) until the target was ready again. */
  outageMs: number;
  error?: string;
}

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
  const turns = {
    barista: random.shuffle(SERVICES.baristas),
    projector: random.shuffle(SERVICES.projectors),
  };
  const taken = { barista: 0, projector: 0 };
  const targetOf = (kind: FaultKind): string => {
    if (kind === 'barista' || kind === 'projector') return turns[kind][taken[kind]++ % turns[kind].length]!;
    return {
      ordersWorker: SERVICES.ordersWorker,
      api: SERVICES.api,
      postgres: 'postgres',
      temporal: 'temporal',
    }[kind];
  };
  return kinds.map((kind, index) => ({
    kind,
    atMs: Math.round(0.1 * loadMs + slot * (index + 0.5) + random.between(-0.3, 0.3) * slot),
    target: targetOf(kind),
    downMs: Math.round(random.between(500, 3_000)),
  }));
}

/** Carries out the plan while the driver runs; one fault at a time per target. */
export async function runFaults(
  plan: PlannedFault[],
  context: { system: RunningSystem; http: ChaosHttp; startedAt: number; log: (line: string) => void },
): Promise<PerformedFault[]> {
  const { system, http, startedAt, log } = context;
  const busy = new Map<string, Promise<unknown>>();
  const performed: PerformedFault[] = [];

  async function perform(fault: PlannedFault): Promise<void> {
    const due = startedAt + fault.atMs;
    if (due > Date.now()) await sleep(due - Date.now());
    const started = Date.now();
    // Answers the API gives while something it depends on is down are judged as outage answers.
    const endWindow = ['api', 'postgres', 'temporal'].includes(fault.kind)
      ? http.openWindow(fault.target)
      : () => {};
    const record: PerformedFault = { ...fault, startedMs: started - startedAt, outageMs: 0 };
    log(
      `fault: ${fault.kind === 'postgres' || fault.kind === 'temporal' ? 'restart' : 'SIGKILL'} ${fault.target}`,
    );
    try {
      if (fault.kind === 'postgres') await system.restartPostgres(fault.downMs);
      else if (fault.kind === 'temporal') await system.restartTemporal(fault.downMs);
      else {
        await system.supervisor.kill(fault.target);
        await sleep(fault.downMs);
        await system.supervisor.restart(fault.target, system.definition(fault.target));
      }
    } catch (error) {
      record.error = String(error);
      log(`fault on ${fault.target} failed: ${record.error}`);
    } finally {
      endWindow();
      record.outageMs = Date.now() - started;
      performed.push(record);
      log(`${fault.target} back after ${record.outageMs} ms`);
    }
  }

  await Promise.all(
    plan.map((fault) => {
      const previous = busy.get(fault.target) ?? Promise.resolve();
      const next = previous.then(() => perform(fault));
      busy.set(fault.target, next);
      return next;
    }),
  );
  return performed.sort((a, b) => a.startedMs - b.startedMs);
}
