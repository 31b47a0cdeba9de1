import { EventStoreValidationError, type ValidationIssue } from './errors';
import type { NewEvent } from './types';

export const MAX_STREAM_ID_LENGTH = 200;
export const MAX_EVENTS_PER_APPEND = 1000;
const MAX_TYPE_LENGTH = 200;
const MAX_VERSION = 2_147_483_647;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// jsonb refuses the NUL character; catching it here keeps a raw pg error out of callers' hands.
const ESCAPED_NUL = /(?:^|[^\\])(?:\\\\)*\\u0000/;

/** An append ready for the database: ids normalised, payloads serialised once. */
export interface PreparedAppend {
  streamId: string;
  /** null = no check; 0 = the stream must not exist */
  expectedVersion: number | null;
  eventIds: string[];
  types: string[];
  data: string[];
  metadata: string[];
}

/** Refuses bad input before it reaches Postgres, listing every problem at once. */
export function validateAppend(streamId: unknown, expectedVersion: unknown, events: unknown): PreparedAppend {
  const issues: ValidationIssue[] = [];
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > MAX_STREAM_ID_LENGTH)
    issues.push({
      field: 'streamId',
      message: `must be a string of 1 to ${MAX_STREAM_ID_LENGTH} characters`,
    });
  const expected = toExpected(expectedVersion);
  if (expected === undefined)
    issues.push({
      field: 'expectedVersion',
      message: `must be 'no_stream', 'any' or an integer from 0 to ${MAX_VERSION}`,
    });
  const prepared: PreparedAppend = {
    streamId: streamId as string,
    expectedVersion: expected ?? null,
    eventIds: [],
    types: [],
    data: [],
    metadata: [],
  };
  if (!Array.isArray(events) || events.length === 0 || events.length > MAX_EVENTS_PER_APPEND) {
    issues.push({ field: 'events', message: `must be an array of 1 to ${MAX_EVENTS_PER_APPEND} events` });
    throw new EventStoreValidationError(issues);
  }
  const seen = new Set<string>();
  events.forEach((event: Partial<NewEvent>, index) => {
    const at = `events[${index}]`;
    if (!isPlainObject(event)) {
      issues.push({ field: at, message: 'must be an object' });
      return;
    }
    const eventId = typeof event.eventId === 'string' ? event.eventId.toLowerCase() : '';
    if (!UUID.test(eventId)) issues.push({ field: `${at}.eventId`, message: 'must be a UUID' });
    else if (seen.has(eventId))
      issues.push({ field: `${at}.eventId`, message: 'appears twice in this append' });
    seen.add(eventId);
    if (typeof event.type !== 'string' || event.type.length === 0 || event.type.length > MAX_TYPE_LENGTH)
      issues.push({ field: `${at}.type`, message: `must be a string of 1 to ${MAX_TYPE_LENGTH} characters` });
    const data = serialise(event.data, `${at}.data`, issues);
    const metadata =
      event.metadata === undefined ? '{}' : serialise(event.metadata, `${at}.metadata`, issues);
    prepared.eventIds.push(eventId);
    prepared.types.push(event.type as string);
    prepared.data.push(data);
    prepared.metadata.push(metadata);
  });
  if (issues.length > 0) throw new EventStoreValidationError(issues);
  return prepared;
}

/** The SQL form of an expected version, or undefined when it is not one. */
function toExpected(expected: unknown): number | null | undefined {
  if (expected === 'any') return null;
  if (expected === 'no_stream') return 0;
  if (typeof expected === 'number' && Number.isInteger(expected) && expected >= 0 && expected <= MAX_VERSION)
    return expected;
  return undefined;
}

function serialise(value: unknown, field: string, issues: ValidationIssue[]): string {
  if (!isPlainObject(value)) {
    issues.push({ field, message: 'must be a JSON object' });
    return '';
  }
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    issues.push({ field, message: `must be serialisable as JSON (${(error as Error).message})` });
    return '';
  }
  if (json.includes('\\u0000') && ESCAPED_NUL.test(json))
    issues.push({ field, message: 'must not contain the NUL character (\\u0000)' });
  return json;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
