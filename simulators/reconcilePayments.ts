import type pg from 'pg';
import { type PaymentRecord, postgresPaymentBook } from './gatewayPayments';

/** Something the gateway and the log disagree on, or money left where it should not be. */
export interface PaymentDiscrepancy {
  orderId: string;
  kind:
    | 'held_after_end'
    | 'captured_not_refunded'
    | 'charged_not_refunded'
    | 'charged_twice'
    | 'gateway_without_fact'
    | 'fact_without_gateway'
    | 'unknown_order';
  detail: string;
}

export interface PaymentReconciliation {
  orders: number;
  gatewayPayments: number;
  discrepancies: PaymentDiscrepancy[];
  /** Orders that ended with money held or taken that they should not keep: must be 0. */
  strandedPayments: number;
}

const ENDINGS: Record<string, string> = {
  OrderCompleted: 'COMPLETED',
  OrderAbandoned: 'ABANDONED',
  OrderRejected: 'REJECTED',
  OrderFailed: 'FAILED',
  OrderCancelled: 'CANCELLED',
};
const MONEY_FACTS = [
  'PaymentCharged',
  'PaymentAuthorized',
  'PaymentCaptured',
  'AuthorizationVoided',
  'PaymentRefunded',
];
const STRANDED: ReadonlySet<PaymentDiscrepancy['kind']> = new Set([
  'held_after_end',
  'captured_not_refunded',
  'charged_not_refunded',
  'charged_twice',
]);

interface OrderInLog {
  ended: string | null;
  facts: Record<string, number>;
  refundedAmount: number;
}

/**
 * Compares the gateway's books (payments by key, and the charge/refund ledger of older sagas) with the
 * log: every hold of an ended order is voided or captured, every capture (or charge) of a failed or
 * cancelled order refunded, nothing taken twice, and each side's facts found on the other.
 */
export async function reconcilePayments(pool: pg.Pool): Promise<PaymentReconciliation> {
  const { rows: events } = await pool.query<{
    stream_id: string;
    type: string;
    data: { amount?: { amount: number } };
  }>(
    `SELECT stream_id, type, data FROM events WHERE stream_id LIKE 'order-%' AND type = ANY($1) ORDER BY position`,
    [['OrderPlaced', ...MONEY_FACTS, ...Object.keys(ENDINGS)]],
  );
  const log = new Map<string, OrderInLog>();
  for (const event of events) {
    const orderId = event.stream_id.slice('order-'.length);
    const order = log.get(orderId) ?? { ended: null, facts: {}, refundedAmount: 0 };
    log.set(orderId, order);
    order.facts[event.type] = (order.facts[event.type] ?? 0) + 1;
    if (event.type in ENDINGS) order.ended = ENDINGS[event.type]!;
    if (event.type === 'PaymentRefunded') order.refundedAmount += event.data.amount?.amount ?? 0;
  }
  const payments = await postgresPaymentBook(pool).payments();
  const charges = await legacyCharges(pool);

  const discrepancies: PaymentDiscrepancy[] = [];
  const note = (orderId: string, kind: PaymentDiscrepancy['kind'], detail: string) =>
    discrepancies.push({ orderId, kind, detail });
  const byOrder = new Map<string, PaymentRecord[]>();
  for (const payment of payments)
    byOrder.set(payment.orderId, [...(byOrder.get(payment.orderId) ?? []), payment]);

  for (const [orderId, held] of byOrder) {
    const order = log.get(orderId);
    if (!order) {
      note(orderId, 'unknown_order', `${held.length} gateway payment(s) for an order the log never placed`);
      continue;
    }
    const facts = (type: string) => order.facts[type] ?? 0;
    if (held.length > 1) note(orderId, 'charged_twice', `${held.length} payments at the gateway`);
    for (const payment of held) {
      const { status, paymentKey } = payment;
      if (order.ended && (status === 'authorized' || status === 'processing'))
        note(orderId, 'held_after_end', `${paymentKey} is ${status} although the order ended ${order.ended}`);
      if ((order.ended === 'FAILED' || order.ended === 'CANCELLED') && status === 'captured')
        note(orderId, 'captured_not_refunded', `${paymentKey} captured, order ${order.ended}`);
      const taken = status === 'captured' || status === 'refunded';
      if (taken && facts('PaymentCaptured') === 0)
        note(orderId, 'gateway_without_fact', `${paymentKey} ${status} but no PaymentCaptured in the log`);
      if (!taken && facts('PaymentCaptured') > 0)
        note(orderId, 'fact_without_gateway', `PaymentCaptured in the log but ${paymentKey} is ${status}`);
      if (status === 'voided' && order.ended && facts('AuthorizationVoided') === 0)
        note(orderId, 'gateway_without_fact', `${paymentKey} voided but no AuthorizationVoided in the log`);
    }
  }
  for (const [orderId, order] of log) {
    const legacy = charges.get(orderId);
    const held = byOrder.get(orderId) ?? [];
    if ((order.facts.PaymentAuthorized ?? 0) > 0 && held.length === 0)
      note(orderId, 'fact_without_gateway', 'PaymentAuthorized in the log, nothing at the gateway');
    if ((order.facts.PaymentCaptured ?? 0) + (order.facts.PaymentCharged ?? 0) > 1)
      note(orderId, 'charged_twice', 'money taken twice in the log');
    if (!legacy) continue;
    if (legacy.charges > 1 || (legacy.charges > 0 && held.some((p) => p.status === 'captured')))
      note(
        orderId,
        'charged_twice',
        `${legacy.charges} charge(s) and ${held.length} payment(s) at the gateway`,
      );
    const mustRefund = order.ended === 'FAILED' || order.ended === 'CANCELLED';
    if (mustRefund && legacy.charged > 0 && legacy.refunded !== legacy.charged)
      note(
        orderId,
        'charged_not_refunded',
        `charged ${legacy.charged}, refunded ${legacy.refunded}, order ${order.ended}`,
      );
    if (legacy.charges > 0 && (order.facts.PaymentCharged ?? 0) === 0 && order.ended)
      note(orderId, 'gateway_without_fact', 'charged at the gateway but no PaymentCharged in the log');
  }
  for (const orderId of charges.keys())
    if (!log.has(orderId)) note(orderId, 'unknown_order', 'a charge for an order the log never placed');

  const stranded = new Set(discrepancies.filter((d) => STRANDED.has(d.kind)).map((d) => d.orderId));
  return {
    orders: log.size,
    gatewayPayments: payments.length,
    discrepancies,
    strandedPayments: stranded.size,
  };
}

async function legacyCharges(pool: pg.Pool) {
  const { rows } = await pool.query<{ order_id: string; charges: string; charged: string; refunded: string }>(
    `SELECT order_id, count(*) FILTER (WHERE kind = 'charge') AS charges,
            coalesce(sum(amount) FILTER (WHERE kind = 'charge'), 0) AS charged,
            coalesce(sum(amount) FILTER (WHERE kind = 'refund'), 0) AS refunded
     FROM gateway_charges GROUP BY order_id`,
  );
  return new Map(
    rows.map((row) => [
      row.order_id,
      { charges: Number(row.charges), charged: Number(row.charged), refunded: Number(row.refunded) },
    ]),
  );
}
