import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { main } from '../../../bin/payments';
import { money, orderStreamId } from '../../../domain';
import { createEventStore, type EventStore, migrateEventStore } from '../../../eventstore';
import {
  createPaymentSimulator,
  migrateGatewayLedger,
  postgresLedger,
  postgresPaymentBook,
} from '../../../simulators';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';

let db: TestDatabase;
let store: EventStore;
beforeEach(async () => {
  db = await createTestDatabase();
  await migrateEventStore(db.pool);
  await migrateGatewayLedger(db.pool);
  store = createEventStore(db.pool);
});
afterEach(async () => {
  await store.close();
  await db.drop();
});

const at = '2026-11-25T08:00:00.000Z';
const total = money(450);
const gateway = () => createPaymentSimulator({}, postgresLedger(db.pool), postgresPaymentBook(db.pool));

/** An order's facts in the log, as the saga would have appended them. */
async function logged(orderId: string, ...facts: [string, Record<string, unknown>][]) {
  const placed = { customer: 'Ana', items: [], total, paymentTokenLast4: '4242', pickupWindowSeconds: 60 };
  await store.append(
    orderStreamId(orderId),
    'no_stream',
    [['OrderPlaced', placed] as const, ...facts].map(([type, data]) => ({
      eventId: randomUUID(),
      type,
      data: { orderId, at, ...data },
      metadata: { correlationId: orderId },
    })),
  );
}

async function reconcile(): Promise<{ code: number; report: Record<string, unknown> }> {
  const printed: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: string) => printed.push(line));
  try {
    const code = await main(['reconcile'], { DATABASE_URL: db.url });
    return { code, report: JSON.parse(printed.join('\n')) };
  } finally {
    log.mockRestore();
  }
}

test('books that agree with the log: no discrepancy, exit 0', async () => {
  const request = (orderId: string) => ({
    paymentKey: `order-${orderId}/authorize`,
    orderId,
    token: 'tok_visa',
    amount: total,
  });
  await gateway().authorize(request('kept'));
  await gateway().capture(request('kept'));
  await logged(
    'kept',
    ['PaymentAuthorized', { amount: total, authorizationId: 'au' }],
    ['PaymentCaptured', { amount: total, captureId: 'cp' }],
    ['OrderCompleted', {}],
  );
  await gateway().authorize(request('undone'));
  await gateway().void(request('undone'));
  await logged(
    'undone',
    ['PaymentAuthorized', { amount: total, authorizationId: 'au' }],
    ['AuthorizationVoided', { amount: total, voidId: 'vo' }],
    ['OrderCancelled', { reason: 'customer' }],
  );
  expect(await reconcile()).toEqual({
    code: 0,
    report: { orders: 2, gatewayPayments: 2, discrepancies: [], strandedPayments: 0 },
  });
});

test('a hold left on an ended order and a capture of a failed one are stranded money: exit 1', async () => {
  const request = (orderId: string) => ({
    paymentKey: `order-${orderId}/authorize`,
    orderId,
    token: 'tok_visa',
    amount: total,
  });
  // The old defect: the saga gave up, recorded its ending, and the authorization landed afterwards.
  await gateway().authorize(request('forgotten'));
  await logged('forgotten', ['OrderFailed', { reason: 'payment failed' }]);
  await gateway().authorize(request('failed'));
  await gateway().capture(request('failed'));
  await logged(
    'failed',
    ['PaymentAuthorized', { amount: total, authorizationId: 'au' }],
    ['PaymentCaptured', { amount: total, captureId: 'cp' }],
    ['OrderFailed', { reason: 'machine' }],
  );
  const { code, report } = await reconcile();
  expect(code).toBe(1);
  expect(report).toMatchObject({ strandedPayments: 2 });
  expect(report.discrepancies).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ orderId: 'forgotten', kind: 'held_after_end' }),
      expect.objectContaining({ orderId: 'failed', kind: 'captured_not_refunded' }),
    ]),
  );
});
