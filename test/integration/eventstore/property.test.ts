import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { LoggedEvent, NewEvent } from '../../../eventstore';
import { logHead, newEvent, readLogEventually, uniqueStream, useEventStore } from './support';

const store = useEventStore();

const appendCommand = fc.record({
  stream: fc.integer({ min: 0, max: 3 }),
  events: fc.array(
    fc.record({ type: fc.constantFrom('A', 'B', 'C'), data: fc.dictionary(fc.string(), fc.jsonValue()) }),
    { minLength: 1, maxLength: 4 },
  ),
  checkVersion: fc.boolean(),
});

test('any sequence of appends to random streams reads back exactly, per stream and globally, with growing positions', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(appendCommand, { minLength: 1, maxLength: 12 }), async (commands) => {
      // Each run starts at the end of the log, whatever an earlier (failed) run left behind.
      const head = await logHead(store.db.pool);
      const streams = [0, 1, 2, 3].map(() => uniqueStream('prop'));
      const model = new Map<string, NewEvent[]>();
      const globally: NewEvent[] = [];
      const positions: number[] = [];
      for (const command of commands) {
        const streamId = streams[command.stream]!;
        const written = model.get(streamId) ?? [];
        const events = command.events.map(({ type, data }) => newEvent(type, data));
        const expected = command.checkVersion ? (written.length === 0 ? 'no_stream' : written.length) : 'any';
        const result = await store.append(streamId, expected, events);
        expect(result.nextVersion).toBe(written.length + events.length);
        positions.push(...result.positions);
        model.set(streamId, [...written, ...events]);
        globally.push(...events);
      }
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(new Set(positions).size).toBe(positions.length);

      const plain = (event: NewEvent | LoggedEvent) => ({
        eventId: event.eventId,
        type: event.type,
        data: JSON.parse(JSON.stringify(event.data)),
      });
      for (const [streamId, events] of model) {
        const read = await store.readStream(streamId);
        expect(read.map(plain)).toEqual(events.map(plain));
        expect(read.map((event) => event.streamVersion)).toEqual(events.map((_, index) => index + 1));
      }
      const log = await readLogEventually(store, head, globally.length, 7);
      expect(log.map(plain)).toEqual(globally.map(plain));
      expect(log.map((event) => event.position)).toEqual(positions);
    }),
    { numRuns: 30 },
  );
});
