import { expect, test } from 'vitest';
import { cacheOrderReads } from '../../../api/adapters/orderCache';
import type { OrderChangeNotice, OrderQueries, OrderView } from '../../../api/ports';
import { money } from '../../../domain/money';
import { placedOrder } from './fakes';

function setup() {
  let reads = 0;
  let row: OrderView = {
    ...placedOrder({ orderId: 'a', customer: 'Ana', items: [], total: money(0) }, '2026-01-01T08:00:00.000Z'),
    position: 1,
  };
  let gate: Promise<void> | undefined;
  const listeners = new Set<(notice: OrderChangeNotice) => void>();
  let live = true;
  const queries = {
    async getOrder() {
      reads += 1;
      const seen = row;
      await gate;
      return seen;
    },
  } as unknown as OrderQueries;
  const cache = cacheOrderReads(
    queries,
    {
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    { isLive: () => live },
  );
  return {
    cache,
    reads: () => reads,
    change(next: Partial<OrderView>) {
      row = { ...row, ...next };
      for (const l of listeners) l({ orderId: 'a', position: row.position });
    },
    hold() {
      let release = () => {};
      gate = new Promise((resolve) => {
        release = resolve;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
    setLive: (value: boolean) => {
      live = value;
    },
  };
}

test('a cached order is forgotten the moment the projector says it changed', async () => {
  const shop = setup();
  expect((await shop.cache.getOrder('a'))?.status).toBe('PLACED');
  await shop.cache.getOrder('a');
  expect(shop.reads()).toBe(1);
  shop.change({ status: 'PAID', position: 2 });
  expect((await shop.cache.getOrder('a'))?.status).toBe('PAID');
  expect(shop.reads()).toBe(2);
});

test('a read racing a change is not cached', async () => {
  const shop = setup();
  const release = shop.hold();
  const racing = shop.cache.getOrder('a');
  shop.change({ status: 'PAID', position: 2 });
  release();
  expect((await racing)?.status).toBe('PLACED');
  expect((await shop.cache.getOrder('a'))?.status).toBe('PAID');
});

test('nothing is cached while notifications could be missed; fresh reads bypass the cache', async () => {
  const shop = setup();
  shop.setLive(false);
  await shop.cache.getOrder('a');
  await shop.cache.getOrder('a');
  expect(shop.reads()).toBe(2);
  shop.setLive(true);
  await shop.cache.getOrder('a');
  await shop.cache.getOrder('a', { fresh: true });
  expect(shop.reads()).toBe(4);
});
