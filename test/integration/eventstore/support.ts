import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../../eventstore';

let streamCounter = 0;
/** A stream id no other test in the file uses. */
export function uniqueStream(prefix = 'stream'): string {
  streamCounter += 1;
  return `${prefix}-${streamCounter}-${randomUUID().slice(0, 8)}`;
}

export function newEvent(type = 'SomethingHappened', data: Record<string, unknown> = { n: 1 }): NewEvent {
  return { eventId: randomUUID(), type, data, metadata: { correlationId: 'c-1' } };
}
