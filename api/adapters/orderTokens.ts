import type pg from 'pg';
import { sameHash } from '../auth';
import type { OrderChanges, OrderTokens } from '../ports';

/** Order tokens by hash (order_tokens, written with the key's claim). */
export function postgresOrderTokens(pool: pg.Pool): OrderTokens {
  return {
    async orderOf(tokenHash) {
      const { rows } = await pool.query<{ order_id: string; token_hash: Buffer }>(
        'SELECT order_id, token_hash FROM order_tokens WHERE token_hash = $1',
        [tokenHash],
      );
      const row = rows[0];
      return row && sameHash(row.token_hash, tokenHash) ? row.order_id : null;
    },
  };
}

interface KnownToken {
  orderId: string;
  hash: Buffer;
  until: number;
}

/**
 * Remembers tokens found (never ones not found): a customer following an order reads it often, and a
 * token belongs to one order for good. Bound: `maxEntries` (oldest out first) and `ttlMs` each; and an
 * entry is forgotten whenever its order changes (an erasure is a change), so it never outlives one.
 */
export function cacheOrderTokens(
  tokens: OrderTokens,
  changes: OrderChanges,
  options: { maxEntries: number; ttlMs: number } = { maxEntries: 10_000, ttlMs: 60_000 },
): OrderTokens & { close(): void } {
  const byHash = new Map<string, KnownToken>();
  const hashOfOrder = new Map<string, string>();
  const forget = (key: string) => {
    const entry = byHash.get(key);
    byHash.delete(key);
    if (entry && hashOfOrder.get(entry.orderId) === key) hashOfOrder.delete(entry.orderId);
  };
  const unsubscribe = changes.subscribe(({ orderId }) => {
    const key = hashOfOrder.get(orderId);
    if (key !== undefined) forget(key);
  });
  const known = (tokenHash: Buffer): string | undefined => {
    const key = tokenHash.toString('base64');
    const hit = byHash.get(key);
    if (!hit) return undefined;
    // The map found it by its key; the stored hash is still compared in constant time.
    if (hit.until > Date.now() && sameHash(hit.hash, tokenHash)) return hit.orderId;
    forget(key);
    return undefined;
  };
  return {
    known,
    async orderOf(tokenHash) {
      const hit = known(tokenHash);
      if (hit !== undefined) return hit;
      const orderId = await tokens.orderOf(tokenHash);
      if (orderId) {
        const key = tokenHash.toString('base64');
        if (byHash.size >= options.maxEntries) forget(byHash.keys().next().value!);
        byHash.set(key, { orderId, hash: Buffer.from(tokenHash), until: Date.now() + options.ttlMs });
        hashOfOrder.set(orderId, key);
      }
      return orderId;
    },
    close: unsubscribe,
  };
}
