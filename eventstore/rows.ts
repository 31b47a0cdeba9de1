import type { EventMetadata, LoggedEvent, RecordedEvent } from './types';

export const EVENT_COLUMNS =
  'position, stream_id, stream_version, event_id, type, data, metadata, recorded_at, transaction_id::text AS transaction_id';

export interface EventRow {
  position: string;
  stream_id: string;
  stream_version: number;
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  recorded_at: Date;
  transaction_id: string;
}

// Positions are bigint in Postgres and exact as numbers up to 2^53, far beyond any real log.
export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    position: Number(row.position),
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    eventId: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}

/** Spelled out rather than spread over `toRecordedEvent`: one object per event, not two (a rebuild reads every event). */
export function toLoggedEvent(row: EventRow): LoggedEvent {
  return {
    position: Number(row.position),
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    eventId: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
    transactionId: row.transaction_id,
  };
}
