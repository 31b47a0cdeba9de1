import { readdirSync, readFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { expect, test } from 'vitest';
import { testDataConverter } from '../support/secrets';
import { orderWorkflowBundle } from './sagaHarness';

// Every saga path's recorded history must replay against today's workflow code: a change that breaks
// determinism fails here. The replayer has the payload codec, as every worker does: histories recorded
// before it (plain payloads) pass through it untouched. Re-record after an intended change with RECORD_HISTORIES=1 (see README in test/histories).
const folder = new URL('../histories/', import.meta.url);
const recorded = readdirSync(folder).filter((name) => name.endsWith('.json'));

test('histories of every saga path are recorded', () => {
  expect(recorded.sort()).toEqual(
    [
      'cancelTooLate',
      'cancelWhileBrewing',
      'declined',
      'flakyCard',
      'gatewayDown',
      'happyPath',
      'happyPathRegularAppends',
      'machineBroken',
      'machineJam',
      'operatorCancel',
      'pickupExpired',
      'refundRetried',
      'slowCard',
    ].map((name) => `${name}.json`),
  );
});

test('every recorded saga history replays deterministically', async () => {
  const histories = recorded.map((name) => ({
    workflowId: name.replace(/\.json$/, ''),
    history: temporal.api.history.v1.History.fromObject(
      JSON.parse(readFileSync(new URL(name, folder), 'utf8')),
    ),
  }));
  const results = Worker.runReplayHistories(
    { workflowBundle: await orderWorkflowBundle(), dataConverter: testDataConverter },
    histories,
  );
  const failures: string[] = [];
  for await (const result of results)
    if (result.error) failures.push(`${result.workflowId}: ${result.error}`);
  expect(failures).toEqual([]);
});
