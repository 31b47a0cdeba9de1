import { afterAll, beforeAll, expect, test } from 'vitest';
import { readCheckpoint } from '../../../projections';
import { type ProjectionsDatabase, projectionsDatabase } from './support';
import {
  appendTallyEvents,
  createTallyTable,
  TALLY,
  tallyCounts,
  tallyProjectedTo,
  tallyProjector,
} from './tally';

let db: ProjectionsDatabase;
const stops: Array<() => Promise<void>> = [];
beforeAll(async () => {
  db = await projectionsDatabase();
  await createTallyTable(db.pool);
});
afterAll(async () => {
  for (const stop of stops) await stop();
  await db?.drop();
});

test.each([
  ['disk_full', '53100'],
  ['out_of_memory', '53200'],
  ['query_canceled', '57014'],
  ['read_only_sql_transaction', '25006'],
  ['admin_shutdown', '57P01'],
  ['serialization_failure', '40001'],
])('%s (%s) while applying is waited out, never a poison event', async (condition) => {
  await db.pool.query('TRUNCATE tally');
  // Given Postgres refuses the next three batches with a real error of this kind
  let failures = 3;
  const projector = tallyProjector(db.pool, condition, {
    beforeApply: async (tx) => {
      if (failures <= 0) return;
      failures -= 1;
      await tx.query(
        `DO $$ BEGIN RAISE EXCEPTION 'injected ${condition}' USING ERRCODE = '${condition}'; END $$`,
      );
    },
  });
  stops.push(projector.stop);
  // When events arrive
  const before = (await readCheckpoint(db.pool, TALLY))?.checkpoint.position ?? 0;
  const last = await appendTallyEvents(db.store, 5);
  // Then they are applied once the trouble passes, and the projection never halts
  await tallyProjectedTo(db.pool, last);
  expect(failures).toBe(0);
  const checkpoint = await readCheckpoint(db.pool, TALLY);
  expect(checkpoint).toMatchObject({ status: 'running', error: null });
  expect(await tallyCounts(db.pool)).toEqual({ applied: last - before, distinct: last - before });
  await projector.stop();
});
