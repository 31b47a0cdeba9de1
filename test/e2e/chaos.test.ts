import { expect, test } from 'vitest';
import { LOSS_FIGURES, runChaos } from '../../chaos/harness';
import { parseChaosArgs } from '../../chaos/run';

// The short chaos run: the shop as separate processes (its own Postgres and Temporal), ~30 orders
// over every saga path, and one fault of each kind while they run. Nothing acknowledged may be
// lost or done twice. `npm run chaos` is the long version.
test('under kills and restarts nothing acknowledged is lost and nothing is done twice', {
  timeout: 170_000,
}, async () => {
  const log: string[] = [];
  const options = parseChaosArgs(['--short', '--seed', '4242'], {}, (line) => log.push(line));
  const report = await runChaos(options);
  const context = JSON.stringify({ report, log }, null, 2);
  for (const figure of LOSS_FIGURES) expect(report[figure], `${figure}\n${context}`).toBe(0);
  expect(report.acknowledged).toBe(options.orders);
  expect(
    Object.values(report.kills).reduce((sum, n) => sum + n, 0),
    context,
  ).toBeGreaterThanOrEqual(4);
  expect(report.restarts.postgres, context).toBe(1);
  expect(report.ok).toBe(true);
});
