import { beforeAll, expect, test } from 'vitest';
import { createNotificationMetrics } from '../../../notifications/metrics';
import { waitFor } from '../../support/waitFor';
import { useNotificationDesk } from './notificationDesk';
import { placeReadyOrder } from './support';

const THRESHOLD = 4;
const HALF_OPEN_MS = 500;
/** Probes to watch while the breaker is open: enough to see their spacing. */
const PROBES = 3;

const metrics = createNotificationMetrics();
// Every state the breaker reports, not samples of it: half-open lasts only as long as one probe.
const breakerStates: number[] = [];
const setBreakerState = metrics.breakerState.set.bind(metrics.breakerState);
metrics.breakerState.set = ((value: number) => {
  breakerStates.push(value);
  setBreakerState(value);
}) as typeof metrics.breakerState.set;
const { store, simulator, reactor } = useNotificationDesk({
  pollIntervalMs: 200,
  reactor: {
    // Rounds of 10 calls would hammer a dead provider; the breaker must cut them off at THRESHOLD.
    policy: {
      breakerThreshold: THRESHOLD,
      halfOpenAfterMs: HALF_OPEN_MS,
      retryMaxAttempts: 10,
      retryInitialDelayMs: 10,
      retryMaxDelayMs: 20,
    },
    metrics,
  },
});
beforeAll(() => reactor.activated);

const breakerGauge = async () => (await metrics.breakerState.get()).values[0]?.value;

test('the breaker opens after the configured failures, then only probes at the half-open rate', async () => {
  simulator.setFaults({ failForMs: 60_000, failStatus: 503 });
  const started = Date.now();
  const { readyId } = await placeReadyOrder(store, 'Bea');
  const callsFor = () => simulator.calls().filter((call) => call.idempotencyKey === readyId);
  await waitFor(() => callsFor().length >= THRESHOLD + PROBES, {
    what: 'the opening failures and a few probes',
  });
  const calls = callsFor();
  const firstProbeAt = calls[THRESHOLD]?.at ?? Number.POSITIVE_INFINITY;
  const opening = calls.slice(0, THRESHOLD);
  const probes = calls.slice(THRESHOLD);

  expect(opening.every((call) => call.outcome === 'failed')).toBe(true);
  // Opened after exactly THRESHOLD calls: the next one waited for the half-open interval.
  expect(firstProbeAt - opening[THRESHOLD - 1]!.at).toBeGreaterThanOrEqual(HALF_OPEN_MS - 50);
  // While open, at most one call per half-open interval reaches the provider.
  const openMs = Date.now() - opening[THRESHOLD - 1]!.at;
  expect(probes.length).toBeLessThanOrEqual(Math.ceil(openMs / HALF_OPEN_MS) + 1);
  for (let i = 1; i < probes.length; i++)
    expect(probes[i]!.at - probes[i - 1]!.at).toBeGreaterThanOrEqual(HALF_OPEN_MS - 50);
  expect(breakerStates).toContain(2);
  console.log(
    `breaker window: ${calls.length} calls in ${Date.now() - started} ms (${THRESHOLD} to open, ${probes.length} probes at ${HALF_OPEN_MS} ms)`,
  );

  // Recovery: the next probe succeeds, the breaker closes, the message goes out once.
  simulator.setFaults({ reset: true });
  await waitFor(() => simulator.deliveries().length === 1, { what: 'delivery after recovery' });
  await waitFor(async () => (await breakerGauge()) === 0, { what: 'the breaker to close' });
  expect(simulator.deliveries()[0]!.idempotencyKey).toBe(readyId);
  expect(breakerStates).toContain(1);
});
