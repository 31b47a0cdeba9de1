import { createHash } from 'node:crypto';

export interface NameBasedUuidOptions {
  /** Bytes hashed before the name (RFC 9562 namespace); none when absent. */
  namespace?: Buffer;
  /** sha1 gives a version 5 UUID, sha256 a version 8 (custom) one. */
  hash?: 'sha1' | 'sha256';
}

/** The same name always gives the same UUID, in every process: ids that make retries idempotent. */
export function nameBasedUuid(name: string, { namespace, hash = 'sha1' }: NameBasedUuidOptions = {}): string {
  const digest = createHash(hash);
  if (namespace) digest.update(namespace);
  const bytes = digest.update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | (hash === 'sha1' ? 0x50 : 0x80);
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
