import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { describe, expect, test } from 'vitest';
import {
  answerCodecRequest,
  ENCRYPTED_ENCODING,
  EncryptionCodec,
  KEY_ID_METADATA,
  MalformedCodecRequest,
  UnknownCodecKey,
} from '../../../codec';
import { keyringSpec, newKeySpec, parseKeyring, TamperedData } from '../../../keys';

const keyA = newKeySpec('key-a');
const keyB = newKeySpec('key-b');
const input = { orderId: 'o-1', customerRef: 'vault:o-1/customer', note: 'Zoë Q. Müller' };
const payload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const contentOf = (decoded: Payload) => defaultPayloadConverter.fromPayload(decoded);
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString();

describe('the payload codec', () => {
  test('a payload round-trips, sealed under the current key and named by its id', async () => {
    const codec = new EncryptionCodec(parseKeyring(keyA));
    const [sealed] = await codec.encode([payload(input)]);
    expect(text(sealed!.metadata![METADATA_ENCODING_KEY])).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed!.metadata![KEY_ID_METADATA])).toBe('key-a');
    expect(Buffer.from(sealed!.data!).toString('latin1')).not.toContain('Zo');
    const [opened] = await codec.decode([sealed!]);
    expect(contentOf(opened!)).toEqual(input);
  });

  test('rotation: what key A sealed still opens once B is current; new payloads go under B', async () => {
    const [underA] = await new EncryptionCodec(parseKeyring(keyA)).encode([payload(input)]);
    const rotated = new EncryptionCodec(parseKeyring(`${keyA},${keyB}`, 'key-b'));
    expect(contentOf((await rotated.decode([underA!]))[0]!)).toEqual(input);
    const [underB] = await rotated.encode([payload(input)]);
    expect(text(underB!.metadata![KEY_ID_METADATA])).toBe('key-b');
    // A retired key: its payloads are refused by name, not garbled.
    await expect(new EncryptionCodec(parseKeyring(keyB)).decode([underA!])).rejects.toThrow(UnknownCodecKey);
  });

  test('a tampered payload fails loudly, whichever byte or key id was changed', async () => {
    const codec = new EncryptionCodec(parseKeyring(`${keyA},${keyB}`, 'key-a'));
    const [sealed] = await codec.encode([payload(input)]);
    const flipped = Buffer.from(sealed!.data!);
    flipped[flipped.length - 20]! ^= 1;
    await expect(codec.decode([{ ...sealed!, data: flipped }])).rejects.toThrow(TamperedData);
    const truncated = Buffer.from(sealed!.data!).subarray(0, 10);
    await expect(codec.decode([{ ...sealed!, data: truncated }])).rejects.toThrow(TamperedData);
    // Claiming another (known) key: the key id is authenticated too.
    const relabelled = {
      ...sealed!,
      metadata: { ...sealed!.metadata, [KEY_ID_METADATA]: Buffer.from('key-b') },
    };
    await expect(codec.decode([relabelled])).rejects.toThrow(TamperedData);
  });

  test('payloads recorded before the codec pass through untouched (old histories replay)', async () => {
    const codec = new EncryptionCodec(parseKeyring(keyA));
    const plain = payload(input);
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  test('a keyring is written back as it was configured', () => {
    const keys = parseKeyring(`${keyA},${keyB}`);
    expect(keyringSpec(keys)).toBe(`${keyA},${keyB}`);
    expect(keys.currentId).toBe('key-b');
    expect(() => parseKeyring('key-a:c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => parseKeyring(keyA, 'key-z')).toThrow(/not among the keys/);
  });
});

describe('the codec server protocol', () => {
  test('answers the Web UI request shape: base64 metadata and data, both ways', async () => {
    const codec = new EncryptionCodec(parseKeyring(keyA));
    const plain = payload(input);
    const asJson = {
      metadata: { encoding: Buffer.from(plain.metadata!.encoding!).toString('base64') },
      data: Buffer.from(plain.data!).toString('base64'),
    };
    const encoded = await answerCodecRequest(codec, 'encode', { payloads: [asJson] });
    expect(Buffer.from(encoded.payloads[0]!.metadata!.encoding!, 'base64').toString()).toBe(
      ENCRYPTED_ENCODING,
    );
    const decoded = await answerCodecRequest(codec, 'decode', encoded);
    expect(decoded.payloads).toEqual([asJson]);
    expect(JSON.parse(Buffer.from(decoded.payloads[0]!.data!, 'base64').toString())).toEqual(input);
  });

  test('refuses what is not a codec request', async () => {
    const codec = new EncryptionCodec(parseKeyring(keyA));
    expect(await answerCodecRequest(codec, 'decode', {})).toEqual({ payloads: [] });
    for (const body of [{ payloads: 'x' }, { payloads: [{ data: 42 }] }, null])
      await expect(answerCodecRequest(codec, 'decode', body)).rejects.toThrow(MalformedCodecRequest);
  });
});
