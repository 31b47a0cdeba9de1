/** Latencies of one fixed-rate run; `errors` counts sends that threw or answered not-ok. */
export interface RateRun {
  latenciesMs: number[];
  errors: number;
  seconds: number;
}

/**
 * Sends at a fixed rate, open loop: one leaves every 1/rate s whether or not earlier ones answered,
 * so a slow answer shows in the latencies instead of quietly lowering the rate.
 */
export async function fixedRate(
  send: () => Promise<boolean>,
  rate: number,
  seconds: number,
): Promise<RateRun> {
  const latenciesMs: number[] = [];
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < rate * seconds; i += 1) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      (async () => {
        const sent = performance.now();
        if (!(await send().catch(() => false))) errors += 1;
        latenciesMs.push(performance.now() - sent);
      })(),
    );
  }
  await Promise.all(inFlight);
  return { latenciesMs, errors, seconds: (performance.now() - started) / 1000 };
}

/** Several runs of one side as one: sent, rate, p50/p99/max and errors. */
export function rateSummary(runs: RateRun[], plannedSeconds: number) {
  const latencies = runs.flatMap((run) => run.latenciesMs).sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return {
    sent: latencies.length,
    ratePerSecond: Number((latencies.length / plannedSeconds).toFixed(1)),
    wallSeconds: Number(runs.reduce((total, run) => total + run.seconds, 0).toFixed(1)),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: Math.round(latencies.at(-1) ?? 0),
    errors: runs.reduce((total, run) => total + run.errors, 0),
  };
}
