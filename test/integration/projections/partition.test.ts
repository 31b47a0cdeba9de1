import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectionOptions } from '../../../postgres';
import { type PartitionProxy, startPartitionProxy } from '../../support/partitionProxy';
import { waitFor } from '../../support/waitFor';
import { type ProjectionsDatabase, projectionsDatabase } from './support';
import { appendTallyEvents, createTallyTable, tallyCounts, tallyProjectedTo, tallyProjector } from './tally';

let db: ProjectionsDatabase;
let proxy: PartitionProxy;
let partitionedPool: pg.Pool;
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  db = await projectionsDatabase();
  await createTallyTable(db.pool);
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
  stops.push(leader.stop);
  await waitFor(() => leader.runner.state === 'active', { what: 'the leader' });
  const standby = tallyProjector(db.pool, 'standby');
  stops.push(standby.stop);
  await waitFor(() => standby.runner.state === 'standby', { what: 'the standby' });
  await tallyProjectedTo(db.pool, await appendTallyEvents(db.store, 20));

  // Given the leader's next transaction holds its rows when the network goes silent (its COMMIT is held back)
  cutNextCommit = true;
  const during = await appendTallyEvents(db.store, 10);
  // Then the standby takes over within 10 s and applies those events itself
  await waitFor(() => standby.runner.state === 'active', { timeoutMs: 30_000, what: 'the takeover' });
  expect(Date.now() - partitionAt!).toBeLessThan(10_000);
  await tallyProjectedTo(db.pool, during);
  await tallyProjectedTo(db.pool, await appendTallyEvents(db.store, 10));

  // When the network comes back, the old leader's held COMMIT finds its session ended: it stands by
  proxy.heal();
  await waitFor(() => leader.runner.state === 'standby', { timeoutMs: 30_000, what: 'the old leader' });
  await tallyProjectedTo(db.pool, await appendTallyEvents(db.store, 10));

  // Every event applied exactly once, the cut batch by the standby only
  expect(await tallyCounts(db.pool)).toEqual({ applied: 50, distinct: 50 });
  const { rows } = await db.pool.query('SELECT applied_by FROM tally WHERE position = $1', [during]);
  expect(rows).toEqual([{ applied_by: 'standby' }]);
});
