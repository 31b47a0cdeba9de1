import { fixedRate, type RateRun, rateSummary } from './fixedRate';

export const PLACEMENT_BARS = { ratioP50ToBareUpdateWithStart: 1.3, ratioP99ToBareUpdateWithStart: 2.0 };

type Send = () => Promise<boolean>;
type Side = 'bare' | 'off' | 'on';

export interface PlacementOptions {
  postOrder: { off: Send; on: Send };
  bareUpdateWithStart: Send;
  rate: number;
  seconds: number;
  rounds: number;
  /** CPU milliseconds each process (by name) used so far. */
  cpuMs: () => Record<string, number>;
  /** Resolves once the orders placed so far stopped working (READY, projected); returns the seconds waited. */
  quiescent: () => Promise<number>;
}

/**
 * `POST /orders` on the untraced and the traced API against the bare update-with-start, all at the
 * same fixed rate, in alternating rounds (bare, untraced, traced), so load drifting on a shared
 * machine weighs on all alike. After each round the bench waits until that round's sagas are READY
 * and projected, so no round pays for another's brewing; that work's CPU is the round's own.
 * The floor's ratios are the untraced side's.
 */
export async function comparePlacement(options: PlacementOptions) {
  const { rate, seconds, rounds } = options;
  const sides = { bare: options.bareUpdateWithStart, ...options.postOrder };
  const runs = { bare: [] as RateRun[], off: [] as RateRun[], on: [] as RateRun[] };
  const cpu = { bare: meter(), off: meter(), on: meter() };
  for (const send of Object.values(sides)) {
    await fixedRate(send, rate, 2); // warm-up
    await options.quiescent();
  }
  for (let round = 0; round < rounds; round += 1)
    for (const [name, send] of Object.entries(sides) as Array<[Side, Send]>) {
      const before = options.cpuMs();
      const run = await fixedRate(send, rate, seconds / rounds);
      const settled = await options.quiescent();
      cpu[name].add(before, options.cpuMs(), run.latenciesMs.length, settled);
      runs[name].push(run);
    }
  const bareUpdateWithStart = { ...rateSummary(runs.bare, seconds), ...cpu.bare.summary(rate) };
  const tracingOff = { ...rateSummary(runs.off, seconds), ...cpu.off.summary(rate) };
  const tracingOn = { ...rateSummary(runs.on, seconds), ...cpu.on.summary(rate) };
  const ratio = (a: number, b: number) => Number((a / Math.max(1, b)).toFixed(2));
  return {
    tracingOff,
    tracingOn,
    bareUpdateWithStart,
    rounds,
    ratioP50ToBareUpdateWithStart: ratio(tracingOff.p50Ms, bareUpdateWithStart.p50Ms),
    ratioP99ToBareUpdateWithStart: ratio(tracingOff.p99Ms, bareUpdateWithStart.p99Ms),
    p50OnToOff: ratio(tracingOn.p50Ms, tracingOff.p50Ms),
    errors: bareUpdateWithStart.errors + tracingOff.errors + tracingOn.errors,
  };
}

/** One side's CPU by process over its rounds (sending and settling), per order placed. */
function meter() {
  const totals: Record<string, number> = {};
  let orders = 0;
  let settleSeconds = 0;
  return {
    add(before: Record<string, number>, after: Record<string, number>, placed: number, settled: number) {
      for (const [name, ms] of Object.entries(after))
        totals[name] = (totals[name] ?? 0) + ms - (before[name] ?? 0);
      orders += placed;
      settleSeconds += settled;
    },
    summary(rate: number) {
      const perOrder = Object.fromEntries(
        Object.entries(totals).map(([name, ms]) => [name, Number((ms / Math.max(1, orders)).toFixed(1))]),
      );
      const total = Object.values(totals).reduce((sum, ms) => sum + ms, 0) / Math.max(1, orders);
      return {
        /** Seconds waited after its rounds until their orders were READY and projected. */
        settleSeconds: Number(settleSeconds.toFixed(1)),
        /** CPU ms per order by process, from the round's start until its orders were READY and projected. */
        cpuPerOrderMs: perOrder,
        cpuPerOrderMsTotal: Number(total.toFixed(1)),
        /** Cores the whole order path needs at the rate: above the machine's cores, POSTs queue. */
        coresAtRate: Number(((total * rate) / 1000).toFixed(2)),
      };
    },
  };
}
