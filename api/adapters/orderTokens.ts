import type pg from 'pg';
import { sameHash } from '../auth';
import type { OrderTokens } from '../ports';

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

/**
 * Remembers tokens found (never ones not found) for a short while: a customer following an order
 * reads it often, and a token belongs to one order for good. Bounded in size and in time, so an
 * erased order's token stops working within `ttlMs`.
 */
export function cacheOrderTokens(
  tokens: OrderTokens,
  options: { maxEntries: number; ttlMs: number } = { maxEntries: 10_000, ttlMs: 60_000 },
): OrderTokens {
  const known = new Map<string, { orderId: string; until: number }>();
  return {
    async orderOf(tokenHash) {
      const key = tokenHash.toString('base64');
      const hit = known.get(key);
      if (hit && hit.until > Date.now()) return hit.orderId;
      known.delete(key);
      const orderId = await tokens.orderOf(tokenHash);
      if (orderId) {
        if (known.size >= options.maxEntries) known.delete(known.keys().next().value!);
        known.set(key, { orderId, until: Date.now() + options.ttlMs });
      }
      return orderId;
    },
  };
}
