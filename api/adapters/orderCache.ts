import type { OrderChanges, OrderQueries, OrderView } from '../ports';

export interface OrderCacheOptions {
  maxEntries?: number;
  /** A safety net only: entries are dropped as soon as their order changes. */
  ttlMs?: number;
  /** False while change notifications may be missed (listener reconnecting): then nothing is cached. */
  isLive: () => boolean;
}

interface Entry {
  view: OrderView;
  storedAt: number;
}

/**
 * Keeps recently read order summaries in memory and forgets each one the moment the projector
 * says it changed (LISTEN order_changed). A read racing a change is not cached, and nothing is
 * cached while notifications could be missed, so the cache is never staler than the read model.
 */
export function cacheOrderReads(
  queries: OrderQueries,
  changes: OrderChanges,
  { maxEntries = 10_000, ttlMs = 10_000, isLive }: OrderCacheOptions,
): OrderQueries & { close(): void } {
  const entries = new Map<string, Entry>();
  const generations = new Map<string, number>();
  let epoch = 0;
  let wasLive = false;

  const unsubscribe = changes.subscribe(({ orderId }) => {
    entries.delete(orderId);
    generations.set(orderId, (generations.get(orderId) ?? 0) + 1);
    if (generations.size > maxEntries * 2) {
      generations.clear();
      epoch += 1;
    }
  });

  const live = () => {
    const now = isLive();
    if (now !== wasLive) {
      // Became live again: notifications may have been missed meanwhile.
      entries.clear();
      epoch += 1;
      wasLive = now;
    }
    return now;
  };

  const cachedOrder = (orderId: string): OrderView | undefined => {
    if (!live()) return undefined;
    const hit = entries.get(orderId);
    return hit && Date.now() - hit.storedAt < ttlMs ? hit.view : undefined;
  };

  return {
    ...queries,
    cachedOrder,
    async getOrder(orderId, options) {
      if (options?.fresh || !live()) return queries.getOrder(orderId);
      const hit = cachedOrder(orderId);
      if (hit) return hit;
      const before = { epoch, generation: generations.get(orderId) ?? 0 };
      const view = await queries.getOrder(orderId);
      if (view && before.epoch === epoch && before.generation === (generations.get(orderId) ?? 0) && live()) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
        entries.set(orderId, { view, storedAt: Date.now() });
      }
      return view;
    },
    close: unsubscribe,
  };
}
