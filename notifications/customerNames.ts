import type pg from 'pg';
import { type OrderPlaced, orderStreamId } from '../domain/events';
import type { EventStore } from '../eventstore';
import type { Keyring } from '../keys';
import { createVault, migrateVault } from '../vault';

/** Whom to greet: the name from the vault, or nobody, when the customer asked to be forgotten. */
export type CustomerName = { name: string } | { erased: true };

/** The customer's name by order; undefined when nothing is known of it. */
export type CustomerNames = (orderId: string) => Promise<CustomerName | undefined>;

/** Names from the vault (orders placed since names left the log). */
export async function vaultNames(pool: pg.Pool, keys: Keyring): Promise<CustomerNames> {
  await migrateVault(pool);
  const vault = createVault(pool, keys);
  return async (orderId) => {
    const personal = (await vault.personalData([orderId])).get(orderId);
    if (personal?.erased) return { erased: true };
    return personal?.customer ? { name: personal.customer } : undefined;
  };
}

/** Orders placed before the vault carried the name in `OrderPlaced` itself. */
export const namesInTheLog =
  (store: Pick<EventStore, 'readStream'>): CustomerNames =>
  async (orderId) => {
    const events = await store.readStream(orderStreamId(orderId));
    const placed = events.find((event) => event.type === 'OrderPlaced');
    const legacy = (placed?.data as (OrderPlaced['data'] & { customer?: string }) | undefined)?.customer;
    return legacy ? { name: legacy } : undefined;
  };

/** The first source that knows the order. */
export const firstKnown =
  (...sources: (CustomerNames | undefined)[]): CustomerNames =>
  async (orderId) => {
    for (const source of sources) {
      const found = await source?.(orderId);
      if (found) return found;
    }
    return undefined;
  };
