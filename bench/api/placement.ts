import { fixedRate, type RateRun, rateSummary } from './fixedRate';

export const PLACEMENT_BARS = { ratioP50ToBareUpdateWithStart: 1.3, ratioP99ToBareUpdateWithStart: 2.0 };

type Send = () => Promise<boolean>;

export interface PlacementOptions {
  postOrder: { off: Send; on: Send };
  bareUpdateWithStart: Send;
  /** The floor's comparison: the untraced API against the bare update-with-start at this rate. */
  rate: number;
  /** Tracing's cost: the traced against the untraced API at this rate, one the machine carries. */
  traceRate: number;
  seconds: number;
  rounds: number;
  /** CPU milliseconds each process (by name) used so far. */
  cpuMs: () => Record<string, number>;
  /** Resolves once the orders placed so far stopped working (READY, projected); returns the seconds waited. */
  quiescent: () => Promise<number>;
}

/**
 * `POST /orders` on the untraced API against the bare update-with-start at `rate`, then the traced
 * against the untraced API at `traceRate`, each pair in alternating rounds so load drifting on a
 * shared machine weighs on both alike. After each round the bench waits until that round's sagas are
 * READY and projected, so no round pays for another's brewing; that work's CPU is the round's own.
 */
export async function comparePlacement(options: PlacementOptions) {
  const floor = await alternate(
    { bare: options.bareUpdateWithStart, off: options.postOrder.off },
    options.rate,
    options,
  );
  const traced = await alternate(options.postOrder, options.traceRate, options);
  const ratio = (a: number, b: number) => Number((a / Math.max(1, b)).toFixed(2));
  return {
    tracingOff: floor.off,
    bareUpdateWithStart: floor.bare,
    rounds: options.rounds,
    ratioP50ToBareUpdateWithStart: ratio(floor.off.p50Ms, floor.bare.p50Ms),
    ratioP99ToBareUpdateWithStart: ratio(floor.off.p99Ms, floor.bare.p99Ms),
    tracing: { ratePerSecond: options.traceRate, tracingOff: traced.off, tracingOn: traced.on },
    p50OnToOff: ratio(traced.on.p50Ms, traced.off.p50Ms),
    errors: floor.bare.errors + floor.off.errors + traced.off.errors + traced.on.errors,
  };
}

/** Each side at `rate` for `seconds` in all, in `rounds` alternating rounds; its latencies and CPU per order. */
async function alternate<S extends string>(
  sides: Record<S, Send>,
  rate: number,
  { seconds, rounds, cpuMs, quiescent }: PlacementOptions,
) {
  const entries = Object.entries(sides) as Array<[S, Send]>;
  const runs = new Map(entries.map(([name]) => [name, [] as RateRun[]]));
  const cpu = new Map(entries.map(([name]) => [name, meter()]));
  for (const [, send] of entries) {
    await fixedRate(send, rate, 2); // warm-up
    await quiescent();
  }
  for (let round = 0; round < rounds; round += 1)
    for (const [name, send] of entries) {
      const before = cpuMs();
      const run = await fixedRate(send, rate, seconds / rounds);
      const settled = await quiescent();
      cpu.get(name)!.add(before, cpuMs(), run.latenciesMs.length, settled);
      runs.get(name)!.push(run);
    }
  const summaries = entries.map(([name]) => [
    name,
    { ...rateSummary(runs.get(name)!, seconds), ...cpu.get(name)!.summary(rate) },
  ]);
  return Object.fromEntries(summaries) as Record<
    S,
    ReturnType<typeof rateSummary> & ReturnType<ReturnType<typeof meter>['summary']>
  >;
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
