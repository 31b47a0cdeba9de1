import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { hashOrderToken, orderTokenFor } from '../../../api/auth';
import { OrderSagaFinished } from '../../../api/errors';
import type { DrinkRejection, OrderCommands } from '../../../api/ports';
import { cancelOrder } from '../../../api/useCases/cancelOrder';
import { placeOrder, requestHash } from '../../../api/useCases/placeOrder';
import { rejectDrink } from '../../../api/useCases/rejectDrink';
import { placeOrder as pricedOrder } from '../../../domain/placeOrder';
import type { PlaceOrder } from '../../../domain/placeOrderCommand';
import { createFakeShop } from './fakes';

const SECRET = 'a-test-secret-of-at-least-32-characters';
const command: PlaceOrder = {
  customer: 'Ana',
  items: [{ drink: 'latte', size: 'medium', quantity: 2, machine: 'jam' }],
  payment: { token: 'tok_visa_4242' },
};

describe('placing an order', () => {
  test('given a checked command, when placed, then the vault keeps name and token and the saga gets references, priced from the menu', async () => {
    const shop = createFakeShop();
    await placeOrder(
      { ...shop.ports, tokenSecret: SECRET, pickupWindowSeconds: 90 },
      command,
      randomUUID(),
      'req-1',
    );
    const orderId = shop.placedCalls[0]!.orderId;
    expect(shop.vault.get(orderId)).toEqual({ customer: 'Ana', paymentToken: 'tok_visa_4242' });
    expect(shop.placedCalls).toEqual([
      {
        orderId,
        customerRef: `vault:${orderId}/customer`,
        items: [
          {
            drink: 'latte',
            size: 'medium',
            quantity: 2,
            unitPrice: { amount: 450, currency: 'USD' },
            machine: 'jam',
          },
        ],
        total: { amount: 900, currency: 'USD' },
        paymentRef: `vault:${orderId}/paymentToken`,
        paymentTokenLast4: '4242',
        pickupWindowSeconds: 90,
        placedAt: expect.any(String),
      },
    ]);
  });

  test('given a key whose answer was lost and whose saga has finished, when retried, then the answer comes from the log', async () => {
    const shop = createFakeShop();
    const key = randomUUID();
    const orderId = randomUUID();
    const token = orderTokenFor(SECRET, orderId, key);
    // The first request placed the order, then its API process died before storing the answer.
    await shop.ports.idempotency.claim(key, requestHash(command), orderId, hashOrderToken(token));
    const first = pricedOrder(command, { orderId, now: '2026-01-01T08:00:00.000Z' });
    const { position } = await shop.ports.commands.placeOrder(first, 'req-0');
    shop.advance(orderId, 'OrderCompleted', 'COMPLETED');
    const commands: OrderCommands = {
      ...shop.ports.commands,
      placeOrder: async () => {
        throw new OrderSagaFinished(orderId);
      },
    };

    const retried = await placeOrder({ ...shop.ports, commands, tokenSecret: SECRET }, command, key, 'req-1');
    expect(retried.replayed).toBe(false);
    expect(retried.orderToken).toBe(token);
    expect(retried.response).toMatchObject({
      status: 202,
      location: `/orders/${orderId}`,
      body: { orderId, status: 'PLACED', position },
    });
    const again = await placeOrder({ ...shop.ports, commands, tokenSecret: SECRET }, command, key, 'req-2');
    expect(again).toEqual({ response: retried.response, orderToken: token, replayed: true });
    // what is kept for replays never holds the token
    expect(JSON.stringify(retried.response)).not.toContain(token);
  });

  test('given an order the log does not know, when its saga is said finished, then the error stands', async () => {
    const shop = createFakeShop();
    const commands: OrderCommands = {
      ...shop.ports.commands,
      placeOrder: async (order) => {
        throw new OrderSagaFinished(order.orderId);
      },
    };
    await expect(
      placeOrder({ ...shop.ports, commands, tokenSecret: SECRET }, command, randomUUID(), 'req-1'),
    ).rejects.toBeInstanceOf(OrderSagaFinished);
  });
});

/** A placed order whose cancels are heard: `reasons` holds what reached the saga. */
async function placedAndListening(id: string) {
  const shop = createFakeShop();
  const { orderId } = await shop.ports.commands.placeOrder(
    pricedOrder(command, { orderId: id, now: '2026-01-01T08:00:00.000Z' }),
    'req-0',
  );
  const reasons: (string | undefined)[] = [];
  const commands: OrderCommands = {
    ...shop.ports.commands,
    cancelOrder: (orderToCancel, reasonRef, correlationId) => {
      reasons.push(reasonRef);
      return shop.ports.commands.cancelOrder(orderToCancel, reasonRef, correlationId);
    },
  };
  return { shop, orderId, commands, reasons };
}

test('given no reason, when an order is cancelled, then the saga hears no customer words and the answer links onwards', async () => {
  const { shop, orderId, commands, reasons } = await placedAndListening('o-1');
  const accepted = await cancelOrder(commands, { orderId, correlationId: 'req-1' }, shop.ports.vault);
  expect(reasons).toEqual([undefined]);
  expect(accepted).toMatchObject({ orderId, status: 'CANCELLED', links: { self: '/orders/o-1' } });
});

test('given a reason, when an order is cancelled, then the words go to the vault and the saga hears a reference', async () => {
  const { shop, orderId, commands, reasons } = await placedAndListening('o-2');
  await cancelOrder(commands, { orderId, reason: 'my bus came', correlationId: 'req-1' }, shop.ports.vault);
  expect(reasons).toEqual(['vault:o-2/cancelReason']);
  expect(shop.vault.get('o-2')).toMatchObject({ cancelReason: 'my bus came' });
});

test('given a drink sent back with words, then the words go to the vault and the saga hears ours and a reference', async () => {
  const shop = createFakeShop();
  const { orderId } = await shop.ports.commands.placeOrder(
    pricedOrder(command, { orderId: 'o-3', now: '2026-01-01T08:00:00.000Z' }),
    'req-0',
  );
  const heard: DrinkRejection[] = [];
  const commands: OrderCommands = {
    ...shop.ports.commands,
    rejectDrink: async (_id, rejection) => {
      heard.push(rejection);
      return { status: 'BREWING', rejection: 1, remake: 1, maxRemakes: 2, position: 7 };
    },
  };
  await rejectDrink(
    commands,
    { orderId, rejection: { reason: 'asked for oat milk' }, correlationId: 'req-1' },
    shop.ports.vault,
  );
  expect(heard).toEqual([
    { reason: 'sent back by customer', reasonRef: 'vault:o-3/rejectReason', by: 'customer' },
  ]);
  expect(shop.vault.get('o-3')).toMatchObject({ rejectReason: 'asked for oat milk' });
});
