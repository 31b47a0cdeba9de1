import type { Payload } from '@temporalio/common';
import { EncryptionCodec } from '../../codec';
import { TEST_CODEC_KEYS } from './secrets';

const codec = new EncryptionCodec(TEST_CODEC_KEYS);

const isPayload = (value: object): value is Payload =>
  'data' in value &&
  value.data instanceof Uint8Array &&
  'metadata' in value &&
  typeof value.metadata === 'object';

/**
 * A recorded history with this run's payload encryption taken off: the run's keys are gone
 * tomorrow, and the replayer's codec lets plain payloads through. Changes `history` in place.
 */
export async function plainHistory<T extends object>(history: T): Promise<T> {
  const visit = async (value: unknown): Promise<void> => {
    if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
    for (const child of Object.values(value)) {
      if (child !== null && typeof child === 'object' && !(child instanceof Uint8Array) && isPayload(child)) {
        const [plain] = await codec.decode([child]);
        // In place: the history's message objects serialise their own fields (bytes as base64).
        Object.assign(child, { metadata: plain!.metadata, data: plain!.data });
      } else await visit(child);
    }
  };
  await visit(history);
  return history;
}
