/**
 * `npm run bench:append`: our append against a bare parameterised INSERT, and readAll against a
 * bare SELECT, on one durable Postgres started for this run. Prints one JSON object.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../embedded/postgres';
import {
  checkpointAfter,
  createEventStore,
  LOG_START,
  type LogCheckpoint,
  migrateEventStore,
  type NewEvent,
} from '../eventstore';
import { type LoadRun, machineFacts, peakRssMb, round, runLoad, summarise } from './support/measure';
import { serverCpuMeter } from './support/serverCpu';

const inputs = {
  writers: 16,
  appends: 20_000,
  eventsPerAppend: 1,
  warmupAppends: 1_000,
  // The box may be shared: sides alternate in rounds (ABBA), so drifting load hits both alike.
  rounds: 8,
  readEvents: 100_000,
  readPageSize: 1_000,
  readRepeats: 3,
  poolSize: 16,
  postgres: 'embedded, durable defaults (fsync and synchronous_commit on) for both sides',
};

const BARE_TABLE = `CREATE TABLE bare_events (
  position bigserial PRIMARY KEY,
  stream_id text NOT NULL,
  stream_version integer NOT NULL,
  event_id uuid NOT NULL UNIQUE,
  type text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  UNIQUE (stream_id, stream_version)
);
CREATE INDEX bare_events_transaction_position ON bare_events (transaction_id, position);`;

const BARE_INSERT = `INSERT INTO bare_events (stream_id, stream_version, event_id, type, data, metadata)
VALUES ($1, 1, $2, $3, $4, $5)`;

const COLUMNS =
  'position, stream_id, stream_version, event_id, type, data, metadata, recorded_at, transaction_id::text AS transaction_id';

// A realistic order event: a few hundred bytes of data and the saga's metadata.
function orderEvent(index: number): NewEvent {
  const orderId = randomUUID();
  return {
    eventId: randomUUID(),
    type: 'OrderPlaced',
    data: {
      orderId,
      customer: `customer-${index % 500}`,
      items: [
        { drink: 'latte', size: 'medium', quantity: 2, unitPrice: { amount: 450, currency: 'USD' } },
        { drink: 'espresso', size: 'small', quantity: 1, unitPrice: { amount: 250, currency: 'USD' } },
      ],
      total: { amount: 1150, currency: 'USD' },
      paymentTokenLast4: '4242',
    },
    metadata: {
      correlationId: orderId,
      causationId: randomUUID(),
      workflowId: `order-${orderId}`,
      runId: randomUUID(),
      activityAttempt: 1,
    },
  };
}

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'bench-append-'));
  const postgres = await startEmbeddedPostgres({ dataDir: join(root, 'pg') });
  const pool = new pg.Pool({ connectionString: postgres.url, max: inputs.poolSize });
  // Connections still closing when Postgres stops at the end report an error: nothing to do about it.
  pool.on('error', () => {});
  try {
    await migrateEventStore(pool);
    await pool.query(BARE_TABLE);
    const store = createEventStore(pool);
    const { rows } = await pool.query<{ server_version: string }>('SHOW server_version');

    // Events are built before timing, so both sides pay only for the database work.
    const build = (count: number, prefix: string) =>
      Array.from({ length: count }, (_, index) => ({
        streamId: `${prefix}-${index}`,
        event: orderEvent(index),
      }));
    const ours = build(inputs.appends, 'order');
    const bare = build(inputs.appends, 'order');
    const oursWarmup = build(inputs.warmupAppends, 'warmup');
    const bareWarmup = build(inputs.warmupAppends, 'warmup');

    const appendOurs =
      (items: typeof ours, offset = 0) =>
      (index: number) => {
        const { streamId, event } = items[offset + index]!;
        return store.append(streamId, 'no_stream', [event]);
      };
    const insertBare =
      (items: typeof bare, offset = 0) =>
      (index: number) => {
        const { streamId, event } = items[offset + index]!;
        return pool.query(BARE_INSERT, [
          streamId,
          event.eventId,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
        ]);
      };

    await runLoad(inputs.warmupAppends, inputs.writers, appendOurs(oursWarmup));
    await runLoad(inputs.warmupAppends, inputs.writers, insertBare(bareWarmup));
    const oursRuns: LoadRun[] = [];
    const bareRuns: LoadRun[] = [];
    // CPU per event, server and client, is what a busy shared box cannot distort.
    const serverCpuMs = (await serverCpuMeter(pool)) ?? (() => Number.NaN);
    const cpu = { ours: { server: 0, client: 0 }, bare: { server: 0, client: 0 } };
    const measured = async (side: keyof typeof cpu, load: () => Promise<LoadRun>) => {
      const server = serverCpuMs();
      const client = process.cpuUsage();
      const run = await load();
      const used = process.cpuUsage(client);
      cpu[side].server += serverCpuMs() - server;
      cpu[side].client += (used.user + used.system) / 1000;
      return run;
    };
    const perRound = inputs.appends / inputs.rounds;
    for (let roundIndex = 0; roundIndex < inputs.rounds; roundIndex++) {
      const offset = roundIndex * perRound;
      const sides = [
        async () =>
          oursRuns.push(
            await measured('ours', () => runLoad(perRound, inputs.writers, appendOurs(ours, offset))),
          ),
        async () =>
          bareRuns.push(
            await measured('bare', () => runLoad(perRound, inputs.writers, insertBare(bare, offset))),
          ),
      ];
      if (roundIndex % 2 === 1) sides.reverse();
      for (const side of sides) {
        await pool.query('CHECKPOINT');
        await side();
      }
    }
    const append = summarise(oursRuns);
    const bareInsert = summarise(bareRuns);

    // Fill the log up to readEvents with full-size batches, then read it all back both ways.
    const { rows: countRows } = await pool.query<{ count: string }>('SELECT count(*) FROM events');
    for (let missing = inputs.readEvents - Number(countRows[0]!.count); missing > 0; missing -= 1000) {
      const batch = Array.from({ length: Math.min(1000, missing) }, (_, index) => orderEvent(index));
      await store.append(`bulk-${randomUUID()}`, 'no_stream', batch);
    }
    await pool.query('VACUUM ANALYZE events');

    const readAllOnce = async () => {
      let read = 0;
      for (let after: LogCheckpoint = LOG_START; read < inputs.readEvents; ) {
        const page = await store.readAll({ after, limit: inputs.readPageSize });
        if (page.length === 0) break;
        read += page.length;
        after = checkpointAfter(page[page.length - 1]!);
      }
      return read;
    };
    const selectPagedOnce = async () => {
      let read = 0;
      for (let after = 0; read < inputs.readEvents; ) {
        const page = await pool.query(
          `SELECT ${COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT ${inputs.readPageSize}`,
          [after],
        );
        if (page.rows.length === 0) break;
        read += page.rows.length;
        after = Number(page.rows[page.rows.length - 1].position);
      }
      return read;
    };
    const selectAllOnce = async () =>
      (await pool.query(`SELECT ${COLUMNS} FROM events ORDER BY position LIMIT ${inputs.readEvents}`)).rows
        .length;

    const readAll = await bestOf(readAllOnce);
    const selectPaged = await bestOf(selectPagedOnce);
    const selectAll = await bestOf(selectAllOnce);
    await store.close();

    console.log(
      JSON.stringify(
        {
          benchmark: 'eventstore append and readAll',
          inputs,
          machine: machineFacts(rows[0]!.server_version),
          append: { ...append, eventsPerSecond: append.perSecond, ...cpuPerEvent(cpu.ours, inputs.appends) },
          bareInsert: {
            ...bareInsert,
            eventsPerSecond: bareInsert.perSecond,
            ...cpuPerEvent(cpu.bare, inputs.appends),
          },
          ratioToBareInsert: round(append.perSecond / bareInsert.perSecond),
          p99RatioToBareInsert: round(append.p99Ms / bareInsert.p99Ms),
          ratioToBareInsertPerRound: oursRuns.map((run, index) =>
            round(bareRuns[index]!.seconds / run.seconds),
          ),
          readAll: {
            events: readAll.events,
            eventsPerSecond: readAll.perSecond,
            pageSize: inputs.readPageSize,
          },
          bareSelectPaged: { events: selectPaged.events, eventsPerSecond: selectPaged.perSecond },
          bareSelectOneStatement: { events: selectAll.events, eventsPerSecond: selectAll.perSecond },
          readAllRatioToSelect: round(readAll.perSecond / selectPaged.perSecond),
          readAllRatioToOneStatementSelect: round(readAll.perSecond / selectAll.perSecond),
          peakRssMb: peakRssMb(),
          bars: { ratioToBareInsert: 0.9, p99RatioToBareInsertAtMost: 1.3, readAllRatioToSelect: 0.7 },
        },
        null,
        2,
      ),
    );
  } finally {
    await pool.end();
    await postgres.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

function cpuPerEvent(used: { server: number; client: number }, events: number) {
  return {
    postgresCpuMsPerEvent: round(used.server / events, 4),
    nodeCpuMsPerEvent: round(used.client / events, 4),
  };
}

/** The fastest of a few runs: reads are short, so the best run is the least disturbed one. */
async function bestOf(read: () => Promise<number>) {
  let best = { events: 0, perSecond: 0 };
  for (let run = 0; run < inputs.readRepeats; run++) {
    const started = performance.now();
    const events = await read();
    const perSecond = round(events / ((performance.now() - started) / 1000), 0);
    if (perSecond > best.perSecond) best = { events, perSecond };
  }
  return best;
}

await main();
