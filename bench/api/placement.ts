import { fixedRate, type RateRun, rateSummary } from './fixedRate';

export const PLACEMENT_BARS = { ratioP50ToBareUpdateWithStart: 1.3, ratioP99ToBareUpdateWithStart: 2.0 };

type Send = () => Promise<boolean>;

/**
 * `POST /orders` on the untraced and the traced API against the bare update-with-start, all at the
 * same fixed rate, in alternating rounds (bare, untraced, traced), so load drifting on a shared
 * machine weighs on all alike. The floor's ratios are the untraced side's.
 */
export async function comparePlacement(options: {
  postOrder: { off: Send; on: Send };
  bareUpdateWithStart: Send;
  rate: number;
  seconds: number;
  rounds: number;
}) {
  const { rate, seconds, rounds } = options;
  const sides = { bare: options.bareUpdateWithStart, ...options.postOrder };
  const runs = { bare: [] as RateRun[], off: [] as RateRun[], on: [] as RateRun[] };
  for (const send of Object.values(sides)) await fixedRate(send, rate, 2); // warm-up
  for (let round = 0; round < rounds; round += 1)
    for (const [name, send] of Object.entries(sides))
      runs[name as keyof typeof runs].push(await fixedRate(send, rate, seconds / rounds));
  const bareUpdateWithStart = rateSummary(runs.bare, seconds);
  const tracingOff = rateSummary(runs.off, seconds);
  const tracingOn = rateSummary(runs.on, seconds);
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
