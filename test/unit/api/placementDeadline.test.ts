import { expect, test } from 'vitest';
import { withPlacementDeadline } from '../../../api/adapters/placementDeadline';
import { DependencyUnavailable } from '../../../api/errors';
import type { OrderCommands } from '../../../api/ports';

const never = new Promise<never>(() => {});
const commands = (placed: Promise<Awaited<ReturnType<OrderCommands['placeOrder']>>>) =>
  ({ placeOrder: () => placed }) as unknown as OrderCommands;
const order = {} as Parameters<OrderCommands['placeOrder']>[0];

test('an order waiting on a saga whose database is down answers 503 at the next probe, not at the deadline', async () => {
  const guarded = withPlacementDeadline(commands(never), {
    timeoutMs: 60_000,
    probeEveryMs: 20,
    probes: { Temporal: async () => {}, Postgres: () => Promise.reject(new Error('ECONNREFUSED')) },
  });
  const started = Date.now();
  const refusal = await guarded.placeOrder(order, 'c').catch((error: unknown) => error);
  expect(refusal).toBeInstanceOf(DependencyUnavailable);
  expect(refusal).toMatchObject({ dependency: 'Postgres' });
  expect(Date.now() - started).toBeLessThan(5_000);
});

test('with every dependency answering, a placement slower than the deadline answers 503 at the deadline', async () => {
  const guarded = withPlacementDeadline(commands(never), {
    timeoutMs: 50,
    probeEveryMs: 10,
    probes: { Postgres: async () => {} },
  });
  await expect(guarded.placeOrder(order, 'c')).rejects.toMatchObject({ dependency: 'Order placement' });
});

test('a placement in time passes through untouched', async () => {
  const placed = { orderId: 'o-1', status: 'PLACED' as const, position: 7 };
  const guarded = withPlacementDeadline(commands(Promise.resolve(placed)), {
    timeoutMs: 1_000,
    probeEveryMs: 10,
    probes: { Postgres: () => Promise.reject(new Error('down')) },
  });
  expect(await guarded.placeOrder(order, 'c')).toEqual(placed);
});

test('placements waiting together share one probe per interval: a slow saga does not multiply the checks', async () => {
  let probed = 0;
  const guarded = withPlacementDeadline(commands(never), {
    timeoutMs: 60_000,
    probeEveryMs: 20,
    probes: {
      Postgres: async () => {
        probed += 1;
        if (probed >= 3) throw new Error('ECONNREFUSED');
      },
    },
  });
  const refusals = await Promise.all(
    Array.from({ length: 50 }, () => guarded.placeOrder(order, 'c').catch((error: unknown) => error)),
  );
  expect(refusals.every((refusal) => refusal instanceof DependencyUnavailable)).toBe(true);
  expect(probed).toBe(3);
});

test('a probe slower than the interval is not asked again while it runs, however many placements wait', async () => {
  let probes = 0;
  let answer: () => void = () => {};
  const guarded = withPlacementDeadline(commands(never), {
    timeoutMs: 200,
    probeEveryMs: 10,
    probes: {
      Postgres: () => {
        probes += 1;
        return new Promise<void>((resolve) => {
          answer = resolve;
        });
      },
    },
  });
  const waiting = Array.from({ length: 20 }, () => guarded.placeOrder(order, 'c').catch(() => {}));
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(probes).toBe(1);
  answer();
  await Promise.all(waiting);
});

test('a retry of an order already in the log is answered from the log while its update waits on a busy worker', async () => {
  const placed = { orderId: 'o-1', status: 'PLACED' as const, position: 42 };
  const guarded = withPlacementDeadline(commands(never), {
    timeoutMs: 10_000,
    probeEveryMs: 10,
    probes: { Postgres: async () => {} },
    placedInLog: async (orderId) => (orderId === 'o-1' ? placed : null),
  });
  const started = Date.now();
  expect(await guarded.placeOrder({ orderId: 'o-1' } as typeof order, 'c')).toEqual(placed);
  expect(Date.now() - started).toBeLessThan(5_000);
});
