import type { Payload, PayloadCodec } from '@temporalio/common';

/** A payload as Temporal's codec server protocol carries it: metadata values and data in base64. */
export interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

const fromJson = ({ metadata, data }: JsonPayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
  ),
  data: Buffer.from(data ?? '', 'base64'),
});

const toJson = ({ metadata, data }: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
  ),
  data: Buffer.from(data ?? new Uint8Array()).toString('base64'),
});

export class MalformedCodecRequest extends Error {
  override name = 'MalformedCodecRequest';
}

/**
 * `POST /codec/encode` and `POST /codec/decode` of Temporal's codec server protocol, as the Web UI
 * and `temporal --codec-endpoint` send them: `{ payloads: [{ metadata: {k: base64}, data: base64 }] }`.
 */
export async function answerCodecRequest(
  codec: PayloadCodec,
  operation: 'encode' | 'decode',
  body: unknown,
): Promise<{ payloads: JsonPayload[] }> {
  // Protobuf JSON leaves an empty list out: `{}` asks about no payloads.
  const payloads =
    body && typeof body === 'object' ? ((body as { payloads?: unknown }).payloads ?? []) : undefined;
  if (!Array.isArray(payloads) || !payloads.every(isJsonPayload))
    throw new MalformedCodecRequest('expected { payloads: [{ metadata, data }] } with base64 values');
  const converted = payloads.map(fromJson);
  const result = operation === 'encode' ? await codec.encode(converted) : await codec.decode(converted);
  return { payloads: result.map(toJson) };
}

function isJsonPayload(value: unknown): value is JsonPayload {
  if (typeof value !== 'object' || value === null) return false;
  const { metadata, data } = value as JsonPayload;
  const stringsOnly = metadata == null || Object.values(metadata).every((v) => typeof v === 'string');
  return stringsOnly && (data == null || typeof data === 'string');
}
