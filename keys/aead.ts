import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// AES-256-GCM, sealed as iv (12) | ciphertext | tag (16). The associated data binds a sealed value
// to where it belongs (an order's field, a payload's key id), so it cannot be moved elsewhere.
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function seal(key: Buffer, plaintext: Uint8Array, associatedData?: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (associatedData !== undefined) cipher.setAAD(Buffer.from(associatedData));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** Throws `TamperedData` when the bytes, the key or the associated data are not the sealed ones. */
export function open(key: Buffer, sealed: Uint8Array, associatedData?: string): Buffer {
  const bytes = Buffer.from(sealed);
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new TamperedData('too short to be sealed data');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  if (associatedData !== undefined) decipher.setAAD(Buffer.from(associatedData));
  try {
    return Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new TamperedData('authentication failed: wrong key, or the data was altered');
  }
}

/** Sealed data that does not open: altered, truncated, or sealed under another key. */
export class TamperedData extends Error {
  override name = 'TamperedData';
}
