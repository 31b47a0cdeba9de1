import { readdirSync, readFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { expect, test } from 'vitest';
import { testDataConverter } from '../support/secrets';
import { HISTORY_VERSION, orderWorkflowBundle } from './sagaHarness';

// Every saga path's recorded history must replay against today's workflow code: a change that breaks
// determinism fails here. The replayer has the payload codec, as every worker does: histories recorded
// before it (plain payloads) pass through it untouched. Each saga version keeps its own histories (test/histories/README.md): the
// top folder holds the charge/refund saga's, recorded before authorize/capture was patched in.
const top = new URL('../histories/', import.meta.url);
const authorizeCapture = new URL('authorizeCapture/', top);
const readyInOneAppend = new URL('readyInOneAppend/', top);
const current = new URL(`${HISTORY_VERSION}/`, top);
const names = (folder: URL) =>
  readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.replace(/\.json$/, ''))
    .sort();

test('the charge/refund saga of every path keeps its recorded history', () => {
  expect(names(top)).toEqual([
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
    'rejectedBeyondLimit',
    'rejectedOnce',
    'remakeMachineBroken',
    'slowCard',
  ]);
});

const AUTHORIZE_CAPTURE_PATHS = [
  'answeredTwice',
  'cancelTooLate',
  'cancelWhileBrewing',
  'declined',
  'flakyCard',
  'gatewayDown',
  'happyPath',
  'happyPathRegularAppends',
  'lateAnswer',
  'machineBroken',
  'machineJam',
  'operatorCancel',
  'pickupExpired',
  'rejectedBeyondLimit',
  'rejectedOnce',
  'remakeMachineBroken',
  'silentGatewayVoided',
  'slowCard',
  'startedBeforeAuthorizeCapture',
  'voidRetried',
];

test('the authorize/capture saga of every path has a recorded history', () => {
  expect(names(authorizeCapture)).toEqual(AUTHORIZE_CAPTURE_PATHS);
});

test('the saga of the first type, ready in one append, of every path has a recorded history', () => {
  expect(names(readyInOneAppend)).toEqual(AUTHORIZE_CAPTURE_PATHS);
});

test('the saga of today (orderSagaV2: no patch markers) of every path has a recorded history', () => {
  expect(names(current)).toEqual(AUTHORIZE_CAPTURE_PATHS);
});

test('every recorded saga history, of every version, replays deterministically', async () => {
  const versions = new Map([
    [top, 'chargeRefund'],
    [authorizeCapture, 'authorizeCapture'],
    [readyInOneAppend, 'readyInOneAppend'],
    [current, HISTORY_VERSION],
  ]);
  const histories = [...versions].flatMap(([folder, version]) =>
    names(folder).map((name) => ({
      workflowId: `${version}/${name}`,
      history: temporal.api.history.v1.History.fromObject(
        JSON.parse(readFileSync(new URL(`${name}.json`, folder), 'utf8')),
      ),
    })),
  );
  const results = Worker.runReplayHistories(
    { workflowBundle: await orderWorkflowBundle(), dataConverter: testDataConverter },
    histories,
  );
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of results) {
    replayed += 1;
    if (result.error) failures.push(`${result.workflowId}: ${result.error}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(histories.length);
});
