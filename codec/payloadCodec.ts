import {
  type DataConverter,
  METADATA_ENCODING_KEY,
  type Payload,
  type PayloadCodec,
} from '@temporalio/common';
import proto from '@temporalio/proto';
import { type Keyring, open, seal } from '../keys';
import { countCodecError } from '../telemetry/shopMetrics';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

// A CommonJS module: Node's ESM loader gives its exports as the default only.
const PayloadProto = proto.temporal.api.common.v1.Payload;
const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString() : undefined);

/**
 * Every payload Temporal stores (inputs, results, update arguments, query answers, summaries) is the
 * original payload, proto-encoded and sealed with AES-256-GCM under the current key; its key id rides
 * in the metadata, so payloads sealed under an older key still open. A payload without our encoding
 * (recorded before the codec, or a server-made one) passes through untouched.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: Keyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return counted('encode', () => this.seal(payloads));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return counted('decode', () => this.open(payloads));
  }

  private seal(payloads: Payload[]): Payload[] {
    const { currentId, current } = this.keys;
    return payloads.map((payload) => ({
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: Buffer.from(currentId),
      },
      data: seal(current, PayloadProto.encode(payload).finish(), currentId),
    }));
  }

  private open(payloads: Payload[]): Payload[] {
    return payloads.map((payload) => {
      if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
      const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
      const key = keyId ? this.keys.get(keyId) : undefined;
      if (!keyId || !key) throw new UnknownCodecKey(keyId);
      // Tampered or truncated: TamperedData, loudly; never a payload decoded as something else.
      const decoded = PayloadProto.decode(open(key, payload.data ?? new Uint8Array(), keyId));
      return { metadata: decoded.metadata ?? {}, data: decoded.data ?? new Uint8Array() };
    });
  }
}

/** A codec failure is counted (brew_codec_errors_total) and thrown on: Temporal fails the task loudly. */
function counted(direction: 'encode' | 'decode', work: () => Payload[]): Payload[] {
  try {
    return work();
  } catch (error) {
    countCodecError(direction);
    throw error;
  }
}

/** A payload sealed under a key this process does not have (listed in TEMPORAL_CODEC_KEYS). */
export class UnknownCodecKey extends Error {
  override name = 'UnknownCodecKey';
  constructor(readonly keyId: string | undefined) {
    super(`payload sealed under key ${keyId ?? '(none)'}, which is not among TEMPORAL_CODEC_KEYS`);
  }
}

/** The data converter of every client, worker and replayer: the default converter behind the codec. */
export const encryptedDataConverter = (keys: Keyring): DataConverter => ({
  payloadCodecs: [new EncryptionCodec(keys)],
});
