import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { MachineBrokenError } from '../../activities';
import { temporalOrderCommands } from '../../api/adapters/temporalCommands';
import { createApp } from '../../api/app';
import { createLogger } from '../../api/logger';
import { apiConfig } from '../../config/api';
import { SAGA_PATHS } from '../../simulators/sagaPaths';
import { isNotReadyToReject } from '../../workflows/client';
import { pickUpSignal, rejectUpdate, statusQuery } from '../../workflows/definitions';
import { authConfig, bearer, mintTestToken } from '../support/staffTokens';
import { waitFor } from '../support/waitFor';
import { createFakeShop } from '../unit/api/fakes';
import { createSagaHarness, keepHistory, type SagaHarness, startSagaTimeSkipping } from './sagaHarness';

let env: TestWorkflowEnvironment;
let saga: SagaHarness;
/** Its machine breaks once the first drinks are ready (see the test). */
let breaking: SagaHarness;
beforeAll(async () => {
  env = await startSagaTimeSkipping();
  saga = await createSagaHarness(env, { machine: { brewScale: 0.02, tickMs: 100 } });
  breaking = await createSagaHarness(env);
});
afterAll(async () => {
  await saga?.close();
  await breaking?.close();
  await env?.teardown();
});

/** Held, brewed, captured, ready: the money is taken before the drinks can be sent back. */
const FIRST_BREW = ['OrderPlaced', 'PaymentAuthorized', 'BrewingStarted', 'PaymentCaptured', 'OrderReady'];

type Handle = Awaited<ReturnType<SagaHarness['start']>>['handle'];
const untilReady = (handle: Handle, remakes: number) =>
  waitFor(async () => {
    const status = await handle.query(statusQuery);
    return status.status === 'READY' && status.step === 'awaiting_pickup' && status.remakes === remakes;
  });

test('a drink sent back is written off and made again, with a fresh pickup window, then picked up', async () => {
  const order = await saga.order([{ drink: 'latte', quantity: 2 }]);
  const { answer, outcome, status } = await saga.run(async () => {
    const { handle } = await saga.start(order);
    await untilReady(handle, 0);
    const answer = await handle.executeUpdate(rejectUpdate, { args: [{ reason: 'too cold' }] });
    await untilReady(handle, 1);
    await handle.signal(pickUpSignal);
    const outcome = await handle.result();
    await keepHistory('rejectedOnce', handle);
    return { answer, outcome, status: await handle.query(statusQuery) };
  });
  expect(outcome.status).toBe('COMPLETED');
  const events = await saga.store.readStream(`order-${order.orderId}`);
  expect(events.map((event) => event.type)).toEqual(SAGA_PATHS.rejectedOnceThenPickedUp.events);
  const [rejected, discarded, remade, ready] = events.slice(5, 9).map((event) => event.data);
  expect(answer).toEqual({
    orderId: order.orderId,
    rejection: 1,
    remake: 1,
    maxRemakes: 2,
    status: 'BREWING',
    position: events[5]!.position,
  });
  expect(rejected).toMatchObject({ reason: 'too cold', rejection: 1, maxRemakes: 2, by: 'customer' });
  expect(discarded).toMatchObject({ drinks: 2, reason: 'rejected' });
  expect(remade).toMatchObject({ drinks: 2, remake: 1 });
  // A fresh pickup window: the new deadline is later than the first one.
  expect(Date.parse(ready!.pickupDeadline as string)).toBeGreaterThan(
    Date.parse(events[4]!.data.pickupDeadline as string),
  );
  expect(new Set(events.map((event) => event.eventId)).size).toBe(events.length);
  expect(status).toMatchObject({ rejections: 1, remakes: 1, attempts: { brewDrinks: 1 } });
  expect(saga.machine.brewed()).toBeGreaterThanOrEqual(4);
  // The first brew and the remake are two calls with two idempotency keys; no money went back.
  expect(saga.machine.discarded().get(`order-${order.orderId}/discard/rejected-1`)).toBe(2);
  expect(await saga.gateway.book.payments(order.orderId)).toEqual([
    expect.objectContaining({ status: 'captured' }),
  ]);
});

test('remade twice, a third rejection writes the drinks off, returns the money and fails the order', async () => {
  const order = await saga.order([{ drink: 'espresso' }]);
  const { answers, outcome } = await saga.run(async () => {
    const { handle } = await saga.start(order);
    const answers = [];
    for (const remakes of [0, 1, 2]) {
      await untilReady(handle, remakes);
      const reason = `attempt ${remakes + 1} tastes burnt`;
      answers.push(await handle.executeUpdate(rejectUpdate, { args: [{ reason, by: 'barista' }] }));
    }
    const outcome = await handle.result();
    await keepHistory('rejectedBeyondLimit', handle);
    return { answers, outcome };
  });
  expect(outcome.status).toBe('FAILED');
  expect(answers.map(({ remake, status }) => [remake, status])).toEqual([
    [1, 'BREWING'],
    [2, 'BREWING'],
    [null, 'FAILED'],
  ]);
  const events = await saga.store.readStream(`order-${order.orderId}`);
  expect(events.map((event) => event.type)).toEqual(SAGA_PATHS.rejectedBeyondLimit.events);
  // What was said with the drink is the customer's (the API keeps it in the vault): the failure never quotes it.
  expect(events.at(-1)!.data.reason).toBe('drinks sent back 3 times, more than the 2 remakes allowed');
  expect(events.at(-3)!.data).toMatchObject({ reason: 'rejected' });
  expect(new Set(events.map((event) => event.eventId)).size).toBe(events.length);
  // The capture is refunded by the payment's key: the customer paid nothing in the end.
  const payments = await saga.gateway.book.payments(order.orderId);
  expect(payments.map((payment) => [payment.status, payment.amount.amount])).toEqual([['refunded', 300]]);
  expect(await saga.gateway.balance(order.orderId)).toEqual({ held: 0, taken: 0 });
});

test('a remake during which the machine breaks writes it off, returns the money and fails the order', async () => {
  const order = await breaking.order([{ drink: 'cappuccino' }]);
  const { machine } = breaking;
  const brew = machine.brew;
  const { outcome, status } = await breaking.run(async () => {
    const { handle } = await breaking.start(order);
    await untilReady(handle, 0);
    // The boiler gives out after the first drinks: every remake attempt fails.
    machine.brew = async () => {
      throw new MachineBrokenError('boiler failure on cappuccino');
    };
    try {
      await handle.executeUpdate(rejectUpdate, { args: [{ reason: 'no foam' }] });
      const outcome = await handle.result();
      await keepHistory('remakeMachineBroken', handle);
      return { outcome, status: await handle.query(statusQuery) };
    } finally {
      machine.brew = brew;
    }
  });
  expect(outcome.status).toBe('FAILED');
  const events = await breaking.store.readStream(`order-${order.orderId}`);
  expect(events.map((event) => event.type)).toEqual([
    ...FIRST_BREW,
    'DrinkRejected',
    'DrinkDiscarded',
    'BrewingStarted',
    'DrinkDiscarded',
    'PaymentRefunded',
    'OrderFailed',
  ]);
  expect(events.at(-3)!.data).toMatchObject({ reason: 'brew_failed' });
  expect(events.at(-1)!.data.reason).toBe(
    'remake 1 of 2 failed: coffee machine failed: boiler failure on cappuccino',
  );
  expect(status).toMatchObject({
    attempts: { brewDrinks: 3 },
    compensationsRun: ['discardDrinks', 'refundPayment'],
  });
  expect(await breaking.gateway.book.payments(order.orderId)).toEqual([
    expect.objectContaining({ status: 'refunded' }),
  ]);
});

test('drinks not READY cannot be sent back: the validator refuses, and the API answers 409', async () => {
  const logger = createLogger('silent', new Writable({ write: (_chunk, _encoding, done) => done() }));
  const fakes = createFakeShop().ports;
  const commands = temporalOrderCommands({ client: env.client, taskQueue: saga.ordersQueue, logger });
  const api = createApp({ config: apiConfig(await authConfig()), ports: { ...fakes, commands }, logger });
  const barista = bearer(await mintTestToken(['barista']));
  const server = api.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const reject = (orderId: string, body: unknown = { reason: 'wrong drink' }, credentials = barista) =>
    fetch(`${url}/orders/${orderId}/reject`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...credentials },
      body: JSON.stringify(body),
    });
  // Tea takes 3.6 s here: time to try while it brews.
  const order = await saga.order([{ drink: 'tea' }]);
  try {
    await saga.run(async () => {
      const { handle } = await saga.start(order);
      await waitFor(async () => (await handle.query(statusQuery)).step === 'brewing');
      const refused = await handle
        .executeUpdate(rejectUpdate, { args: [{ reason: 'too early' }] })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(isNotReadyToReject(refused)).toBe(true);
      // nobody's drink to send back without the order's token or a barista's
      expect((await reject(order.orderId, undefined, {})).status).toBe(401);
      const early = await reject(order.orderId);
      expect(early.status).toBe(409);
      expect(await early.json()).toMatchObject({ status: 409, orderId: order.orderId });
      expect((await reject(order.orderId, {})).status).toBe(400);

      await untilReady(handle, 0);
      await handle.signal(pickUpSignal);
      await handle.result();
      const late = await reject(order.orderId);
      expect(late.status).toBe(409);
    });
    expect(await saga.eventTypes(order.orderId)).not.toContain('DrinkRejected');
  } finally {
    api.closeStreams();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
