import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { EventStore } from '../../eventstore';
import { orderSummary, readCheckpoint, startProjector } from '../../projections';
import { EVENTS_PER_ORDER, inParallel, loadedOrderId, loadedOrderToken, orderEvents } from './growthLoad';
import { round } from './measure';

/** The measured operations, each through the product's own code, as throughput per second. */

export interface Throughput {
  operations: number;
  seconds: number;
  perSecond: number;
}

async function timed(operations: number, work: () => Promise<unknown>): Promise<Throughput> {
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  return { operations, seconds: round(seconds, 3), perSecond: round(operations / seconds, 0) };
}

/** New orders' five facts, each append expecting the version the previous one left (as the saga does). */
export function appendOrders(store: EventStore, orders: number, writers: number): Promise<Throughput> {
  const events = Array.from({ length: orders }, () => orderEvents(randomUUID()));
  return timed(orders * EVENTS_PER_ORDER, () =>
    inParallel(orders, writers, async (i) => {
      const facts = events[i]!;
      const streamId = `order-${facts[0]!.data.orderId as string}`;
      for (const [version, fact] of facts.entries())
        await store.append(streamId, version === 0 ? 'no_stream' : version, [fact]);
    }),
  );
}

/** Whole streams of loaded orders (1-based indexes). */
export function readStreams(store: EventStore, indexes: number[], readers: number): Promise<Throughput> {
  return timed(indexes.length, () =>
    inParallel(indexes.length, readers, async (i) => {
      const events = await store.readStream(`order-${loadedOrderId(indexes[i]!)}`);
      if (events.length !== EVENTS_PER_ORDER) throw new Error(`read ${events.length} events`);
    }),
  );
}

/** GET /orders/:id as the customer, with the order's token; each order once, so no cache answers. */
export function getOrders(apiUrl: string, indexes: number[], readers: number): Promise<Throughput> {
  return timed(indexes.length, () =>
    inParallel(indexes.length, readers, async (i) => {
      const index = indexes[i]!;
      const response = await fetch(`${apiUrl}/orders/${loadedOrderId(index)}`, {
        headers: { authorization: `Bearer ${loadedOrderToken(index)}` },
      });
      const body = (await response.json()) as { customer?: string };
      if (response.status !== 200 || body.customer !== `Guest ${index}`)
        throw new Error(`GET order ${index}: ${response.status} ${JSON.stringify(body)}`);
    }),
  );
}

/** The order summary's projector, started behind the log, until it stands at the log's end. */
export async function catchUp(pool: pg.Pool): Promise<Throughput> {
  const { rows } = await pool.query<{ position: string }>(
    'SELECT position FROM events ORDER BY transaction_id DESC, position DESC LIMIT 1',
  );
  const end = Number(rows[0]!.position);
  const behind = await pool.query<{ count: string }>(
    `SELECT count(*) FROM events e, projection_checkpoints c
     WHERE c.name = 'orderSummary' AND (e.transaction_id, e.position) > (c.transaction_id, c.position)`,
  );
  const events = Number(behind.rows[0]!.count);
  const started = performance.now();
  const projector = await startProjector({ pool, projections: [orderSummary.projection()], migrate: false });
  try {
    while ((await readCheckpoint(pool, 'orderSummary')).checkpoint.position !== end) await sleep(5);
  } finally {
    await projector.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  return { operations: events, seconds: round(seconds, 3), perSecond: round(events / seconds, 0) };
}
