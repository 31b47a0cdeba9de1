import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { createEventStore, EventStoreValidationError, type NewEvent } from '../../eventstore';

// Nothing listens on port 1: any append that reached the database would fail differently.
const unreachable = new pg.Pool({ connectionString: 'postgres://nobody:none@127.0.0.1:1/none' });
const store = createEventStore(unreachable);
afterAll(() => unreachable.end());

const event = (overrides: Partial<NewEvent> = {}): NewEvent => ({
  eventId: randomUUID(),
  type: 'Happened',
  data: { n: 1 },
  ...overrides,
});

async function refusal(append: Promise<unknown>): Promise<{ field: string; message: string }[]> {
  const error = await append.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EventStoreValidationError);
  return (error as EventStoreValidationError).issues;
}

describe('append refuses bad input before touching the database', () => {
  test('an empty or over-long stream id', async () => {
    expect(await refusal(store.append('', 'any', [event()]))).toEqual([
      { field: 'streamId', message: expect.stringMatching(/1 to 200/) },
    ]);
    expect((await refusal(store.append('x'.repeat(201), 'any', [event()])))[0]!.field).toBe('streamId');
  });

  test('an unknown expected-version form', async () => {
    for (const expected of [-1, 1.5, 'latest', null, '3', Number.NaN, 2 ** 31]) {
      const issues = await refusal(store.append('s', expected as never, [event()]));
      expect(issues.map((issue) => issue.field)).toEqual(['expectedVersion']);
    }
  });

  test('no events, or more than 1000 in one append', async () => {
    expect((await refusal(store.append('s', 'any', [])))[0]!.field).toBe('events');
    const many = Array.from({ length: 1001 }, () => event());
    expect((await refusal(store.append('s', 'any', many)))[0]!.field).toBe('events');
  });

  test('data or metadata that is not a JSON object', async () => {
    for (const data of [null, [], 'text', 42, new Date()]) {
      const issues = await refusal(store.append('s', 'any', [event({ data: data as never })]));
      expect(issues).toEqual([{ field: 'events[0].data', message: 'must be a JSON object' }]);
    }
    const issues = await refusal(store.append('s', 'any', [event({ metadata: [] as never })]));
    expect(issues).toEqual([{ field: 'events[0].metadata', message: 'must be a JSON object' }]);
  });

  test('a NUL character, which jsonb cannot store', async () => {
    const issues = await refusal(store.append('s', 'any', [event({ data: { note: 'a\u0000b' } })]));
    expect(issues[0]!.field).toBe('events[0].data');
  });

  test('an event id that is not a UUID, or appears twice in one append', async () => {
    const twice = event();
    const issues = await refusal(
      store.append('s', 'any', [
        event({ eventId: 'order-1-step-2' }),
        twice,
        { ...twice, eventId: twice.eventId.toUpperCase() },
      ]),
    );
    expect(issues).toEqual([
      { field: 'events[0].eventId', message: 'must be a UUID' },
      { field: 'events[2].eventId', message: 'appears twice in this append' },
    ]);
  });

  test('every problem is listed at once', async () => {
    const issues = await refusal(
      store.append('', 'sometime' as never, [event({ type: '', data: [] as never })]),
    );
    expect(issues.map((issue) => issue.field)).toEqual([
      'streamId',
      'expectedVersion',
      'events[0].type',
      'events[0].data',
    ]);
  });
});

describe('reads refuse bad input too', () => {
  test('readStream with a negative version or an invalid date', async () => {
    await expect(store.readStream('s', { fromVersion: -1 })).rejects.toBeInstanceOf(
      EventStoreValidationError,
    );
    await expect(store.readStream('s', { upToTime: new Date('nope') })).rejects.toBeInstanceOf(
      EventStoreValidationError,
    );
  });

  test('readAll with a malformed checkpoint or limit', async () => {
    await expect(store.readAll({ after: { transactionId: '12a', position: 1 } })).rejects.toBeInstanceOf(
      EventStoreValidationError,
    );
    await expect(store.readAll({ limit: 0 })).rejects.toBeInstanceOf(EventStoreValidationError);
  });
});
