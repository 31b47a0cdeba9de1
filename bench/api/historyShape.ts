import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import type pg from 'pg';

/**
 * What one order costs Temporal: the events of one saga's history up to READY (where it waits for
 * its customer) and of one bare workflow, by kind. Each workflow task is a round trip through the
 * server and the worker; each search-attribute upsert is a visibility write.
 */
export async function historyShapes(address: string, pool: pg.Pool) {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const shape = async (workflowId: string) => {
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      const count: Record<string, number> = {};
      for (const event of history.events ?? []) {
        const kind = kindOf(event.eventType);
        if (kind) count[kind] = (count[kind] ?? 0) + 1;
      }
      return { events: history.events?.length ?? 0, ...count };
    };
    const saga = await pool.query<{ stream_id: string }>(
      `SELECT stream_id FROM events WHERE type = 'OrderReady' ORDER BY position DESC LIMIT 1`,
    );
    const bare = await pool.query<{ order_id: string }>(
      'SELECT order_id FROM bench_bare_orders ORDER BY position DESC LIMIT 1',
    );
    return {
      // The saga's workflow id is its stream's id (`order-<id>`).
      orderSagaToReady: saga.rows[0] ? await shape(saga.rows[0].stream_id) : null,
      bareWorkflow: bare.rows[0] ? await shape(`bare-order-${bare.rows[0].order_id}`) : null,
    };
  } finally {
    await connection.close();
  }
}

const { EventType } = proto.temporal.api.enums.v1;
// The event types worth counting per order.
const KINDS = new Map<number, string>([
  [EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, 'workflowTasks'],
  [EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, 'activityTasks'],
  [EventType.EVENT_TYPE_MARKER_RECORDED, 'markers'], // local activities and patches
  [EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, 'searchAttributeUpserts'],
  [EventType.EVENT_TYPE_TIMER_STARTED, 'timers'],
]);
const kindOf = (type: number | null | undefined) => KINDS.get(Number(type));
