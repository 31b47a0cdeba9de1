import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { expect, test } from 'vitest';
import { type AppendOrderEventsResult, createAppendActivities, eventIdFor } from '../../../activities';
import type { OrderEvent } from '../../../domain';
import { useEventStore } from '../eventstore/support';

const store = useEventStore();

const workflowId = 'order-o-1';
// The deadline is `at` plus the pickup window: both come from the workflow task's clock.
const ready = (at: string): OrderEvent => ({
  type: 'OrderReady',
  data: { orderId: 'o-1', at, pickupDeadline: new Date(Date.parse(at) + 30 * 60_000).toISOString() },
});
const placed: OrderEvent = {
  type: 'OrderPlaced',
  data: {
    orderId: 'o-1',
    at: '2026-11-25T08:00:00.000Z',
    customerRef: 'vault:o-1/customer',
    items: [],
    total: { amount: 0, currency: 'USD' },
    paymentTokenLast4: '4242',
    pickupWindowSeconds: 1800,
  },
};
// `logger`: the conflict below is provoked on purpose; its "Activity failed" warning is noise.
const attempt = (n: number, runId = 'run-1', logger?: DefaultLogger) =>
  new MockActivityEnvironment({ attempt: n, workflowExecution: { workflowId, runId } }, { logger });

test('a retried append writes nothing twice and returns the original positions and ids', async () => {
  const { appendOrderEvents } = createAppendActivities(store.append, (id) => store.readStream(id));
  const input = { streamId: workflowId, expectedVersion: 0, causationId: null, events: [placed] };
  const first = (await attempt(1).run(appendOrderEvents, input)) as AppendOrderEventsResult;
  const retried = await attempt(2, 'run-2').run(appendOrderEvents, input);
  expect(retried).toEqual({ ...first, attempt: 2 });
  expect(first.eventIds).toEqual([eventIdFor(workflowId, 'OrderPlaced')]);
  const events = await store.readStream(workflowId);
  expect(events).toHaveLength(1);
  expect(events[0]!.metadata).toMatchObject({
    correlationId: 'o-1',
    workflowId,
    runId: 'run-1',
    activityAttempt: 1,
  });
});

test('a re-executed local append that re-decided `at` and its deadline finds its fact; the first time stands', async () => {
  const { appendOrderEvents } = createAppendActivities(store.append, (id) => store.readStream(id));
  const input = (at: string) => ({
    streamId: workflowId,
    expectedVersion: 1,
    causationId: null,
    events: [ready(at)],
  });
  const first = (await attempt(1).run(
    appendOrderEvents,
    input('2026-11-25T08:05:00.000Z'),
  )) as AppendOrderEventsResult;
  const again = (await attempt(1).run(
    appendOrderEvents,
    input('2026-11-25T08:05:11.000Z'),
  )) as AppendOrderEventsResult;
  expect(again.positions).toEqual(first.positions);
  const events = await store.readStream(workflowId);
  expect(events.map((event) => event.data.at)).toEqual([
    '2026-11-25T08:00:00.000Z',
    '2026-11-25T08:05:00.000Z',
  ]);
});

test('the same event id with other data is still an error', async () => {
  const { appendOrderEvents } = createAppendActivities(store.append, (id) => store.readStream(id));
  const other = ready('2026-11-25T08:05:00.000Z');
  (other.data as { batchIds: string[] }).batchIds = ['batch-other'];
  await expect(
    attempt(1, 'run-1', new DefaultLogger('ERROR')).run(appendOrderEvents, {
      streamId: workflowId,
      expectedVersion: 1,
      causationId: null,
      events: [other],
    }),
  ).rejects.toThrow(/already recorded/);
});

test("facts of a lost workflow task stay, and the saga's new decision is appended after them", async () => {
  // A local append committed, then its workflow task was lost; run again, the task saw a cancel
  // first and decided otherwise: its next append expects the version before the lost facts.
  const stream = 'order-o-2';
  const { appendOrderEvents } = createAppendActivities(store.append, (id) => store.readStream(id));
  const run = (expectedVersion: number, events: OrderEvent[]) =>
    new MockActivityEnvironment(
      { attempt: 1, workflowExecution: { workflowId: stream, runId: 'run-1' } },
      { logger: new DefaultLogger('ERROR') },
    ).run(appendOrderEvents, { streamId: stream, expectedVersion, causationId: null, events });
  const placedHere = { ...placed, data: { ...placed.data, orderId: 'o-2' } } as OrderEvent;
  await run(0, [placedHere]);
  const at = '2026-11-25T08:01:00.000Z';
  await run(1, [{ type: 'BrewingStarted', data: { orderId: 'o-2', at, drinks: 1 } }]);
  const decided = (await run(1, [
    { type: 'OrderAbandoned', data: { orderId: 'o-2', at } },
  ])) as AppendOrderEventsResult;
  expect(decided.nextVersion).toBe(3);
  const events = await store.readStream(stream);
  expect(events.map((event) => `${event.streamVersion}:${event.type}`)).toEqual([
    '1:OrderPlaced',
    '2:BrewingStarted',
    '3:OrderAbandoned',
  ]);
});
