import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { orderStreamId } from '../../../domain';
import { createEventStore, migrateEventStore } from '../../../eventstore';
import { newKeySpec, parseKeyring } from '../../../keys';
import { createVault, migrateVault, pruneSettledTokens, type Vault } from '../../../vault';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';

const keyA = newKeySpec('master-a');
const keyB = newKeySpec('master-b');
let db: TestDatabase;
let vault: Vault;
beforeAll(async () => {
  db = await createTestDatabase();
  await migrateEventStore(db.pool);
  await migrateVault(db.pool);
  vault = createVault(db.pool, parseKeyring(keyA));
});
afterAll(() => db.drop());

const dump = async () =>
  (await db.pool.query(`SELECT string_agg(t::text, E'\\n') AS dump FROM vault_entries t`)).rows[0].dump ?? '';

test('values are sealed per order: nothing readable in Postgres, everything back through the vault', async () => {
  const orderId = randomUUID();
  await vault.keep(orderId, { customer: 'Ximena Okafor', paymentToken: 'tok_secret_123' });
  expect(await dump()).not.toMatch(/Ximena|tok_secret/);
  expect(await vault.reveal(orderId, 'paymentToken')).toBe('tok_secret_123');
  expect((await vault.personalData([orderId])).get(orderId)).toEqual({
    customer: 'Ximena Okafor',
    cancelReason: null,
    erased: false,
  });
  expect(await vault.ordersWith('customer', 'Ximena Okafor')).toEqual([orderId]);
  // Copying one order's sealed row onto another order does not open: the row is bound to its order.
  const other = randomUUID();
  await vault.keep(other, { customer: 'Someone Else' });
  await db.pool.query(
    `UPDATE vault_entries SET sealed = (SELECT sealed FROM vault_entries WHERE order_id = $1 AND field = 'customer')
     WHERE order_id = $2 AND field = 'customer'`,
    [orderId, other],
  );
  await expect(vault.personalData([other])).rejects.toThrow(/authentication failed/);
});

test('a new order is kept in one statement; keeping more for it later opens the key already there', async () => {
  const orderId = randomUUID();
  await vault.keep(orderId, { customer: 'Noor Haddad', paymentToken: 'tok_first' });
  await vault.keep(orderId, { cancelReason: 'missed the bus', paymentToken: 'tok_first' });
  expect(await vault.reveal(orderId, 'paymentToken')).toBe('tok_first');
  expect((await vault.personalData([orderId])).get(orderId)).toEqual({
    customer: 'Noor Haddad',
    cancelReason: 'missed the bus',
    erased: false,
  });
  const { rows } = await db.pool.query('SELECT count(*)::int AS keys FROM vault_keys WHERE order_id = $1', [
    orderId,
  ]);
  expect(rows[0].keys).toBe(1);
});

test('erasure destroys the key: every field is gone, it reads as erased, a second erasure is a no-op', async () => {
  const orderId = randomUUID();
  await vault.keep(orderId, { customer: 'Yusuf Brandt', paymentToken: 'tok_x', cancelReason: 'bus came' });
  expect(await vault.erase(orderId)).toEqual({ alreadyErased: false });
  expect(await vault.erase(orderId)).toEqual({ alreadyErased: true });
  expect((await vault.personalData([orderId])).get(orderId)).toEqual({
    customer: null,
    cancelReason: null,
    erased: true,
  });
  expect(await vault.reveal(orderId, 'paymentToken')).toBeUndefined();
  expect(await vault.ordersWith('customer', 'Yusuf Brandt')).toEqual([]);
  const { rows } = await db.pool.query('SELECT wrapped_key, erased_at FROM vault_keys WHERE order_id = $1', [
    orderId,
  ]);
  expect(rows[0].wrapped_key).toBeNull();
  expect(rows[0].erased_at).toBeInstanceOf(Date);
  await expect(vault.keep(orderId, { customer: 'again' })).rejects.toThrow(/erased/);
  // An order the vault never saw can be erased too: it reads as erased from then on.
  const unseen = randomUUID();
  expect(await vault.erase(unseen)).toEqual({ alreadyErased: false });
  expect((await vault.personalData([unseen])).get(unseen)?.erased).toBe(true);
});

test('master key rotation: old data keys still open, re-wrapping moves them to the new key', async () => {
  const orderId = randomUUID();
  await vault.keep(orderId, { customer: 'Wen Aalto' });
  const rotated = createVault(db.pool, parseKeyring(`${keyA},${keyB}`, 'master-b'));
  expect((await rotated.personalData([orderId])).get(orderId)?.customer).toBe('Wen Aalto');
  expect(await rotated.ordersWith('customer', 'Wen Aalto')).toEqual([orderId]);
  expect(await rotated.rewrap()).toBeGreaterThan(0);
  const onlyB = createVault(db.pool, parseKeyring(keyB));
  expect((await onlyB.personalData([orderId])).get(orderId)?.customer).toBe('Wen Aalto');
});

test('retention: a settled payment loses its token; an unsettled one keeps it until its maximum age', async () => {
  const store = createEventStore(db.pool);
  const settled = randomUUID();
  const pending = randomUUID();
  await vault.keep(settled, { paymentToken: 'tok_settled', customer: 'Ana' });
  await vault.keep(pending, { paymentToken: 'tok_pending' });
  await store.append(orderStreamId(settled), 'any', [
    {
      eventId: randomUUID(),
      type: 'PaymentCharged',
      data: { orderId: settled, at: new Date().toISOString() },
    },
  ]);
  expect(await pruneSettledTokens(db.pool, { maxTokenAgeMs: 3_600_000 })).toBeGreaterThanOrEqual(1);
  expect(await vault.reveal(settled, 'paymentToken')).toBeUndefined();
  expect(await vault.reveal(settled, 'customer')).toBe('Ana');
  expect(await vault.reveal(pending, 'paymentToken')).toBe('tok_pending');
  await pruneSettledTokens(db.pool, { maxTokenAgeMs: 0 });
  expect(await vault.reveal(pending, 'paymentToken')).toBeUndefined();
  await store.close();
});
