import { expect, test } from 'vitest';
import { FAULT_KINDS, planFaults } from '../../chaos/faults';
import { seededRandom } from '../../chaos/random';
import { parseChaosArgs } from '../../chaos/run';
import { SERVICES } from '../../chaos/services';

test('the full run plans every fault kind, the replicas killed in turns, in time order within the load', () => {
  const options = parseChaosArgs([], {}, () => {});
  const loadMs = (options.orders * 1_000) / options.rate;
  const plan = planFaults(options.faults, loadMs, seededRandom(7));
  for (const kind of FAULT_KINDS)
    expect(
      plan.some((fault) => fault.kind === kind),
      kind,
    ).toBe(true);
  expect(plan.map((fault) => fault.atMs)).toEqual([...plan.map((fault) => fault.atMs)].sort((a, b) => a - b));
  expect(plan.every((fault) => fault.atMs > 0 && fault.atMs < loadMs)).toBe(true);
  const apis = plan.filter((fault) => fault.kind === 'api').map((fault) => fault.target);
  expect(new Set(apis)).toEqual(new Set(SERVICES.apis));
  expect(options.orders).toBeGreaterThanOrEqual(1_000);
  expect(options.rate).toBeGreaterThanOrEqual(5);
});

test('the same seed gives the same plan', () => {
  const counts = parseChaosArgs(['--short'], {}, () => {}).faults;
  expect(planFaults(counts, 50_000, seededRandom(3))).toEqual(planFaults(counts, 50_000, seededRandom(3)));
});
