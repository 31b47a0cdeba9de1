import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { createLogWatcher, type EventStore, type LoggedEvent } from '../../../eventstore';
import {
  type ConsumerRunner,
  dedicatedConnection,
  type LeaseTiming,
  projectorMode,
  runConsumer,
} from '../../../eventstore/consumers';
import { projectionCheckpoints, readCheckpoint } from '../../../projections';
import { waitFor } from '../../support/waitFor';

export const TALLY = 'tally';
export const createTallyTable = (pool: pg.Pool) =>
  pool.query('CREATE TABLE tally (position bigint NOT NULL, applied_by text NOT NULL)');

export interface TallyOptions {
  lease?: Partial<LeaseTiming>;
  /** Runs inside the batch's transaction before the rows are written (a fault to inject). */
  beforeApply?: (tx: pg.ClientBase) => Promise<void>;
  beforeCommit?: (tx: pg.ClientBase) => Promise<void>;
}

/**
 * A projection that writes one row per event, tagged with who applied it, so a double apply shows.
 * Returns its runner and a stop for the test's teardown.
 */
export function tallyProjector(
  pool: pg.Pool,
  who: string,
  options: TallyOptions = {},
): { runner: ConsumerRunner; stop: () => Promise<void> } {
  const watcher = createLogWatcher(pool, { pollIntervalMs: 100 });
  const runner = runConsumer({
    name: TALLY,
    mode: projectorMode({
      checkpoints: projectionCheckpoints,
      accepts: () => true,
      apply: async (tx, events: readonly LoggedEvent[]) => {
        await options.beforeApply?.(tx);
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
  return {
    runner,
    async stop() {
      await runner.stop();
      await watcher.close();
    },
  };
}

/** Appends `count` one-event streams; returns the last position. */
export async function appendTallyEvents(store: EventStore, count: number): Promise<number> {
  let last = 0;
  for (let i = 0; i < count; i += 1) {
    const { positions } = await store.append(`tally-${randomUUID()}`, 'no_stream', [
      { eventId: randomUUID(), type: 'Counted', data: { i }, metadata: {} },
    ]);
    last = positions[positions.length - 1]!;
  }
  return last;
}

export const tallyProjectedTo = (pool: pg.Pool, position: number) =>
  waitFor(async () => (await readCheckpoint(pool, TALLY))?.checkpoint.position === position, {
    what: `the tally at position ${position}`,
  });

/** How many rows the tally holds, for how many distinct positions. */
export async function tallyCounts(pool: pg.Pool): Promise<{ applied: number; distinct: number }> {
  const { rows } = await pool.query<{ applied: number; distinct: number }>(
    'SELECT count(*)::int AS applied, count(DISTINCT position)::int AS distinct FROM tally',
  );
  return rows[0]!;
}
