import type pg from 'pg';
import { reconcilePayments } from '../simulators/reconcilePayments';
import { PATH_NAMES, type PathName, SAGA_PATHS, type SagaPath } from '../simulators/sagaPaths';
import type { OrderRecord } from './driver';
import { compareWithRebuild } from './rebuildCompare';

/** The promise, checked from the outside (SQL and HTTP) once the system is quiet. */
export interface Invariants {
  perPath: Record<
    PathName,
    { orders: number; acknowledged: number; expected: string; actual: Record<string, number> }
  >;
  /** Acknowledged, but no OrderPlaced in the log or no row in the read model. */
  lost: number;
  /** Acknowledged, but the log or the read model ended elsewhere than the path predicts. */
  wrongOutcome: number;
  duplicateEvents: number;
  /** The same fact twice in one stream (two PaymentCaptured, two "ready" notifications, ...). */
  duplicateFacts: number;
  nonContiguousStreams: number;
  doubleCharges: number;
  missingCharges: number;
  unexpectedCharges: number;
  missingRefunds: number;
  unexpectedRefunds: number;
  /** Orders that ended with money held or taken they should not keep (`npm run payments -- reconcile`). */
  strandedPayments: number;
  /** Everything the reconciliation found, stranded or not (the gateway's books against the log). */
  paymentDiscrepancies: number;
  readModelMismatches: number;
  readModelMismatchByTable: Record<string, number>;
  /** Orders that reached READY and whose customer did not get exactly one "ready" message. */
  readyNotificationMismatches: number;
  deadLetters: number;
  samples: string[];
}

const TERMINAL_EVENTS: Record<string, string> = {
  OrderCompleted: 'COMPLETED',
  OrderRejected: 'REJECTED',
  OrderFailed: 'FAILED',
  OrderCancelled: 'CANCELLED',
  OrderAbandoned: 'ABANDONED',
};
export const TERMINAL_EVENT_TYPES = Object.keys(TERMINAL_EVENTS);

/** Idempotency-Key → the order it named (claimed by a POST that may never have been answered). */
async function ordersOfKeys(pool: pg.Pool, keys: string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const { rows } = await pool.query<{ key: string; order_id: string }>(
    'SELECT key, order_id FROM idempotency_keys WHERE key = ANY($1)',
    [keys],
  );
  return new Map(rows.map((row) => [row.key, row.order_id]));
}

const count = async (pool: pg.Pool, sql: string, values: unknown[] = []) =>
  Number((await pool.query<{ n: string }>(sql, values)).rows[0]?.n ?? 0);

export async function checkInvariants(
  pool: pg.Pool,
  records: OrderRecord[],
  simulatorUrl: string,
): Promise<Invariants> {
  const samples: string[] = [];
  const note = (line: string) => {
    if (samples.length < 25) samples.push(line);
  };
  const acknowledged = records.filter((record) => record.acknowledged && record.orderId);
  const ids = acknowledged.map((record) => record.orderId!);
  const streams = ids.map((id) => `order-${id}`);

  const { rows: histories } = await pool.query<{ stream_id: string; types: string[] }>(
    `SELECT stream_id, array_agg(type ORDER BY stream_version) AS types FROM events
     WHERE stream_id = ANY($1) GROUP BY stream_id`,
    [streams],
  );
  const historyOf = new Map(histories.map((row) => [row.stream_id.slice('order-'.length), row.types]));
  const { rows: summaries } = await pool.query<{ order_id: string; status: string }>(
    'SELECT order_id, status FROM order_summary WHERE order_id = ANY($1)',
    [ids],
  );
  const readModelStatus = new Map(summaries.map((row) => [row.order_id, row.status]));
  const { rows: ledgerRows } = await pool.query<{
    order_id: string;
    charges: string;
    refunds: string;
    charged: string | null;
    refunded: string | null;
  }>(
    // Money taken: captures (gateway_payments) and the charges of sagas from before (gateway_charges).
    `SELECT order_id, sum(charges) AS charges, sum(refunds) AS refunds,
            sum(charged) AS charged, sum(refunded) AS refunded
     FROM (SELECT order_id,
                  count(*) FILTER (WHERE kind = 'charge') AS charges,
                  count(*) FILTER (WHERE kind = 'refund' AND reference IS NOT NULL AND amount > 0) AS refunds,
                  sum(amount) FILTER (WHERE kind = 'charge') AS charged,
                  sum(amount) FILTER (WHERE kind = 'refund') AS refunded
           FROM gateway_charges GROUP BY order_id
           UNION ALL
           SELECT order_id,
                  count(*) FILTER (WHERE status IN ('captured', 'refunded')),
                  count(*) FILTER (WHERE status = 'refunded'),
                  sum(amount) FILTER (WHERE status IN ('captured', 'refunded')),
                  sum(amount) FILTER (WHERE status = 'refunded')
           FROM gateway_payments GROUP BY order_id) books
     GROUP BY order_id`,
  );
  const ledger = new Map(ledgerRows.map((row) => [row.order_id, row]));

  const perPath = Object.fromEntries(
    PATH_NAMES.map((path) => [
      path,
      {
        orders: 0,
        acknowledged: 0,
        expected: SAGA_PATHS[path].expected as string,
        actual: {} as Record<string, number>,
      },
    ]),
  ) as Invariants['perPath'];
  let lost = 0;
  let wrongOutcome = 0;
  let doubleCharges = 0;
  let missingCharges = 0;
  let unexpectedCharges = 0;
  let missingRefunds = 0;
  let unexpectedRefunds = 0;
  // A customer whose app gave up was never told of the order: money taken for it is unexpected.
  const givenUp = await ordersOfKeys(
    pool,
    records.filter((record) => !record.acknowledged).map((record) => record.idempotencyKey),
  );
  for (const [key, orderId] of givenUp) {
    if (Number(ledger.get(orderId)?.charges ?? 0) === 0) continue;
    unexpectedCharges += 1;
    note(`charged although never acknowledged (the client gave up): key ${key}, order ${orderId}`);
  }
  for (const record of records) {
    const tally = perPath[record.path];
    tally.orders += 1;
    if (!record.acknowledged || !record.orderId) continue;
    tally.acknowledged += 1;
    // What the customer did decides the outcome: a missed brewing window turns a cancel into a pickup.
    const path: SagaPath = SAGA_PATHS[record.walked ?? record.path];
    const types = historyOf.get(record.orderId) ?? [];
    const terminals = types.filter((type) => type in TERMINAL_EVENTS).map((type) => TERMINAL_EVENTS[type]!);
    const logStatus =
      terminals.length === 1 ? terminals[0]! : terminals.length === 0 ? 'NOT_FINISHED' : 'TWICE';
    const modelStatus = readModelStatus.get(record.orderId) ?? 'MISSING';
    const actual = logStatus === modelStatus ? logStatus : `${logStatus} (read model ${modelStatus})`;
    tally.actual[actual] = (tally.actual[actual] ?? 0) + 1;
    const where = `${record.path} #${record.index} ${record.orderId}`;
    if (!types.includes('OrderPlaced') || modelStatus === 'MISSING') {
      lost += 1;
      note(`lost: ${where} (log: ${types.join(',') || 'nothing'}; read model: ${modelStatus})`);
    } else if (logStatus !== path.expected || modelStatus !== path.expected) {
      wrongOutcome += 1;
      note(`wrong outcome: ${where} ended ${actual}, expected ${path.expected}; ${record.notes.join('; ')}`);
    }
    const money = ledger.get(record.orderId);
    const charges = Number(money?.charges ?? 0);
    const refunds = Number(money?.refunds ?? 0);
    const chargedEvents = types.filter(
      (type) => type === 'PaymentCharged' || type === 'PaymentCaptured',
    ).length;
    if (charges > 1 || chargedEvents > 1) {
      doubleCharges += 1;
      note(`double charge: ${where} (${charges} at the gateway, ${chargedEvents} PaymentCaptured/Charged)`);
    }
    if (path.charged && charges === 0 && logStatus === path.expected) {
      missingCharges += 1;
      note(`never charged: ${where}`);
    }
    if (!path.charged && charges > 0) {
      unexpectedCharges += 1;
      note(`charged although ${record.path}: ${where}`);
    }
    const mustRefund = charges > 0 && (logStatus === 'FAILED' || logStatus === 'CANCELLED');
    if (mustRefund && (refunds !== 1 || Number(money?.refunded) !== Number(money?.charged))) {
      missingRefunds += 1;
      note(
        `refund missing or wrong: ${where} (${refunds} refunds of ${money?.refunded} for ${money?.charged})`,
      );
    }
    if (!mustRefund && refunds > 0) {
      unexpectedRefunds += 1;
      note(`refunded although ${logStatus}: ${where}`);
    }
  }

  const duplicateEvents = await count(
    pool,
    'SELECT count(*) AS n FROM (SELECT event_id FROM events GROUP BY event_id HAVING count(*) > 1) d',
  );
  // Every fact happens at most once per order and brew (a remake brews again); a customer is told
  // each kind of news once per brew.
  const twice = await pool.query<{ stream_id: string; type: string; kind: string | null; n: string }>(
    `SELECT stream_id, type, kind, count(*) AS n FROM (
       SELECT e.stream_id, e.type, CASE WHEN e.type = 'CustomerNotified' THEN e.data->>'message' END AS kind,
              (SELECT count(*) FROM events brew WHERE brew.stream_id = e.stream_id
                 AND brew.type = 'BrewingStarted' AND brew.position <= COALESCE(told.position, e.position)) AS round
       FROM events e
       -- News belongs to the brew of the fact it tells (a notifier lagging behind a remake tells it late).
       LEFT JOIN events told ON e.type = 'CustomerNotified' AND told.event_id::text = e.metadata->>'causationId'
      ) f GROUP BY stream_id, type, kind, round HAVING count(*) > 1`,
  );
  const duplicateFacts = twice.rows.length;
  for (const row of twice.rows)
    note(`${row.type}${row.kind ? ` (${row.kind})` : ''} ×${row.n} in ${row.stream_id}`);
  const nonContiguousStreams = await count(
    pool,
    `SELECT count(*) AS n FROM (
       SELECT stream_id FROM events GROUP BY stream_id
       HAVING min(stream_version) <> 1 OR max(stream_version) <> count(*)
           OR count(DISTINCT stream_version) <> count(*)) s`,
  );
  const payments = await reconcilePayments(pool);
  for (const discrepancy of payments.discrepancies)
    note(`payments: ${discrepancy.kind} ${discrepancy.orderId}: ${discrepancy.detail}`);
  const readModelMismatchByTable = await compareWithRebuild(pool);
  const readModelMismatches = Object.values(readModelMismatchByTable).reduce((sum, n) => sum + n, 0);

  const readyOrders = ids.filter((id) => historyOf.get(id)?.includes('OrderReady'));
  const deliveries = (await (await fetch(`${simulatorUrl}/deliveries`)).json()) as {
    deliveries: { orderId: string; kind: string }[];
  };
  const readyMessages = new Map<string, number>();
  for (const delivery of deliveries.deliveries)
    if (delivery.kind === 'ready')
      readyMessages.set(delivery.orderId, (readyMessages.get(delivery.orderId) ?? 0) + 1);
  let readyNotificationMismatches = 0;
  for (const id of readyOrders)
    if (readyMessages.get(id) !== historyOf.get(id)!.filter((type) => type === 'OrderReady').length) {
      readyNotificationMismatches += 1;
      note(`order ${id} got ${readyMessages.get(id) ?? 0} "ready" messages`);
    }
  const deadLetters = await count(pool, 'SELECT count(*) AS n FROM notification_dead_letters').catch(
    () => -1,
  );

  return {
    perPath,
    lost,
    wrongOutcome,
    duplicateEvents,
    duplicateFacts,
    nonContiguousStreams,
    doubleCharges,
    missingCharges,
    unexpectedCharges,
    missingRefunds,
    unexpectedRefunds,
    strandedPayments: payments.strandedPayments,
    paymentDiscrepancies: payments.discrepancies.length,
    readModelMismatches,
    readModelMismatchByTable,
    readyNotificationMismatches,
    deadLetters,
    samples,
  };
}
