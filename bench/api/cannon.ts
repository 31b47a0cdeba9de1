import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const autocannonBin = join(import.meta.dirname, '..', '..', 'node_modules', 'autocannon', 'autocannon.js');

export interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}

/** autocannon in its own process, so load generation never shares an event loop with the server. */
export async function cannon(args: string[]): Promise<CannonResult> {
  const { stdout } = await run(process.execPath, [autocannonBin, '--json', ...args], { maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as CannonResult;
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Rounds of one target as one result: mean throughput, worst p99, median p50. */
export function combine(rounds: CannonResult[]): CannonResult {
  const sum = (pick: (r: CannonResult) => number) => rounds.reduce((total, r) => total + pick(r), 0);
  return {
    requests: {
      average: sum((r) => r.requests.average) / rounds.length,
      total: sum((r) => r.requests.total),
    },
    latency: {
      p50: median(rounds.map((r) => r.latency.p50)),
      p99: Math.max(...rounds.map((r) => r.latency.p99)),
      average: sum((r) => r.latency.average) / rounds.length,
    },
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    non2xx: sum((r) => r.non2xx),
    '2xx': sum((r) => r['2xx']),
  };
}

export const summary = (result: CannonResult) => ({
  requestsPerSecond: Math.round(result.requests.average),
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  errors: result.errors + result.timeouts,
  non2xx: result.non2xx,
});

/** Throughput of `a` over `b`, round by round (each `a` run right after its `b`). */
export const roundRatios = (a: CannonResult[], b: CannonResult[]) =>
  a.map((r, i) => Number((r.requests.average / b[i]!.requests.average).toFixed(3)));
