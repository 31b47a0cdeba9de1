import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createLogWatcher, type LoggedEvent } from '../../../eventstore';
import {
  dedicatedConnection,
  type LeaseTiming,
  projectorMode,
  runConsumer,
} from '../../../eventstore/consumers';
import { connectionOptions } from '../../../postgres';
import { projectionCheckpoints, readCheckpoint } from '../../../projections';
import { type PartitionProxy, startPartitionProxy } from '../../support/partitionProxy';
import { waitFor } from '../../support/waitFor';
import { type ProjectionsDatabase, projectionsDatabase } from './support';

const NAME = 'tally';
let db: ProjectionsDatabase;
let proxy: PartitionProxy;
let partitionedPool: pg.Pool;
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  db = await projectionsDatabase();
  await db.pool.query('CREATE TABLE tally (position bigint NOT NULL, applied_by text NOT NULL)');
  proxy = await startPartitionProxy(Number(new URL(db.url).port));
  const throughProxy = new URL(db.url);
  throughProxy.port = String(proxy.port);
  partitionedPool = new pg.Pool(connectionOptions(throughProxy.toString(), 'projector'));
  partitionedPool.on('error', () => {});
});
afterAll(async () => {
  proxy?.heal();
  for (const stop of stops.reverse()) await stop();
  await partitionedPool?.end();
  await proxy?.close();
  await db?.drop();
});

/** A projection that writes one row per event, tagged with who applied it: a double apply shows. */
function tallyProjector(
  pool: pg.Pool,
  who: string,
  options: { lease?: Partial<LeaseTiming>; beforeCommit?: (tx: pg.ClientBase) => Promise<void> } = {},
) {
  const watcher = createLogWatcher(pool, { pollIntervalMs: 100 });
  const runner = runConsumer({
    name: NAME,
    mode: projectorMode({
      checkpoints: projectionCheckpoints,
      accepts: () => true,
      apply: async (tx, events: readonly LoggedEvent[]) => {
        await tx.query('INSERT INTO tally SELECT unnest($1::bigint[]), $2', [
          events.map((event) => event.position),
          who,
        ]);
      },
      ...(options.beforeCommit ? { beforeCommit: options.beforeCommit } : {}),
    }),
    connect: dedicatedConnection(pool, `tally:${who}`),
    watcher,
    lockRetryMs: 200,
    ...(options.lease ? { lease: options.lease } : {}),
  });
  stops.push(async () => {
    await runner.stop();
    await watcher.close();
  });
  return runner;
}

async function appendEvents(count: number): Promise<number> {
  let last = 0;
  for (let i = 0; i < count; i += 1) {
    const { positions } = await db.store.append(`tally-${randomUUID()}`, 'no_stream', [
      { eventId: randomUUID(), type: 'Counted', data: { i }, metadata: {} },
    ]);
    last = positions[positions.length - 1]!;
  }
  return last;
}

const projectedTo = (position: number) =>
  waitFor(async () => (await readCheckpoint(db.pool, NAME))?.checkpoint.position === position, {
    what: `the tally at position ${position}`,
  });

test('a leader cut off from Postgres mid-transaction loses its lock to the standby within 10 s, and writes nothing when it comes back', async () => {
  let partitionAt: number | undefined;
  let cutNextCommit = false;
  // The leader never gives up on its own here: eviction by the standby alone must fence it.
  const leader = tallyProjector(partitionedPool, 'leader', {
    lease: { heartbeatTimeoutMs: 60_000 },
    beforeCommit: async () => {
      if (!cutNextCommit) return;
      cutNextCommit = false;
      proxy.partition();
      partitionAt = Date.now();
    },
  });
  await waitFor(() => leader.state === 'active', { what: 'the leader' });
  const standby = tallyProjector(db.pool, 'standby');
  await waitFor(() => standby.state === 'standby', { what: 'the standby' });
  await projectedTo(await appendEvents(20));

  // Given the leader's next transaction holds its rows when the network goes silent (its COMMIT is held back)
  cutNextCommit = true;
  const during = await appendEvents(10);
  // Then the standby takes over within 10 s and applies those events itself
  await waitFor(() => standby.state === 'active', { timeoutMs: 30_000, what: 'the takeover' });
  const takeoverMs = Date.now() - partitionAt!;
  expect(takeoverMs).toBeLessThan(10_000);
  await projectedTo(during);
  await projectedTo(await appendEvents(10));

  // When the network comes back, the old leader's held COMMIT finds its session ended: it stands by
  proxy.heal();
  await waitFor(() => leader.state === 'standby', { timeoutMs: 30_000, what: 'the old leader standing by' });
  const last = await appendEvents(10);
  await projectedTo(last);

  // Every event applied exactly once, the cut batch by the standby only
  const { rows } = await db.pool.query<{ applied: number; distinct: number; lastAppliedBy: string }>(
    `SELECT count(*)::int AS applied, count(DISTINCT position)::int AS distinct,
       (SELECT applied_by FROM tally WHERE position = $1) AS "lastAppliedBy" FROM tally`,
    [during],
  );
  expect(rows[0]).toEqual({ applied: 50, distinct: 50, lastAppliedBy: 'standby' });
});
