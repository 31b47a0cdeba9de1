import { cpus, loadavg, totalmem } from 'node:os';

/** Facts about the machine a benchmark ran on, so its figures can be compared honestly. */
export function machineFacts(postgresVersion?: string) {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model ?? 'unknown',
    totalMemoryMb: Math.round(totalmem() / 1024 / 1024),
    // Other work on the machine when the run started: ratios compare like with like, absolutes do not.
    loadAverage1m: round(loadavg()[0] ?? 0),
    node: process.version,
    ...(postgresVersion ? { postgres: postgresVersion } : {}),
    platform: `${process.platform}-${process.arch}`,
  };
}

/** The q-quantile (0..1) of already sorted values, nearest-rank. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** Peak resident set size of this process so far, in MB. */
export const peakRssMb = () => round(process.resourceUsage().maxRSS / 1024, 1);

export interface LoadRun {
  seconds: number;
  latenciesMs: Float64Array;
}

export interface LoadSummary {
  operations: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Runs `operations` calls of `operation(index)` from `concurrency` workers sharing one counter. */
export async function runLoad(
  operations: number,
  concurrency: number,
  operation: (index: number) => Promise<unknown>,
): Promise<LoadRun> {
  const latenciesMs = new Float64Array(operations);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let index = next++; index < operations; index = next++) {
        const t0 = performance.now();
        await operation(index);
        latenciesMs[index] = performance.now() - t0;
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latenciesMs };
}

/** Throughput and latency over several runs of the same load, as if they were one. */
export function summarise(runs: LoadRun[]): LoadSummary {
  const sorted = runs.flatMap((run) => Array.from(run.latenciesMs)).sort((a, b) => a - b);
  const seconds = runs.reduce((total, run) => total + run.seconds, 0);
  return {
    operations: sorted.length,
    seconds: round(seconds, 3),
    perSecond: round(sorted.length / seconds, 0),
    p50Ms: round(quantile(sorted, 0.5), 3),
    p99Ms: round(quantile(sorted, 0.99), 3),
  };
}
