import { randomBytes } from 'node:crypto';

/**
 * Named 256-bit keys, one of them current: new data is sealed with the current key, and data sealed
 * with any key still listed opens. Rotating = add a key, make it current, keep the old one until
 * nothing sealed with it is left.
 */
export interface Keyring {
  currentId: string;
  current: Buffer;
  get(id: string): Buffer | undefined;
  ids(): string[];
}

const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** `kid1:base64key,kid2:base64key` (what `VAULT_MASTER_KEYS` and `TEMPORAL_CODEC_KEYS` hold). */
export function parseKeyring(spec: string, currentId?: string): Keyring {
  const keys = new Map<string, Buffer>();
  for (const entry of spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const cut = entry.indexOf(':');
    const id = entry.slice(0, cut);
    const key = Buffer.from(entry.slice(cut + 1), 'base64');
    if (cut < 1 || !KEY_ID.test(id)) throw new Error(`a key needs an id: "<id>:<base64 key>"`);
    if (key.length !== 32) throw new Error(`key ${id} must be 32 bytes (base64), got ${key.length}`);
    if (keys.has(id)) throw new Error(`key ${id} is listed twice`);
    keys.set(id, key);
  }
  const ids = [...keys.keys()];
  if (ids.length === 0) throw new Error('no keys');
  const chosen = currentId ?? ids.at(-1)!;
  const current = keys.get(chosen);
  if (!current) throw new Error(`the current key ${chosen} is not among the keys (${ids.join(', ')})`);
  return { currentId: chosen, current, get: (id) => keys.get(id), ids: () => ids };
}

/** A fresh key as the configuration writes it: `<id>:<base64>`. */
export const newKeySpec = (id: string): string => `${id}:${randomBytes(32).toString('base64')}`;

/** A keyring with one fresh key, for tests and in-process runs. */
export const randomKeyring = (id = 'test'): Keyring => parseKeyring(newKeySpec(id));

/** The keyring written back as configuration (`id:base64,…`), e.g. for a child process's environment. */
export const keyringSpec = (keys: Keyring): string =>
  keys
    .ids()
    .map((id) => `${id}:${keys.get(id)!.toString('base64')}`)
    .join(',');
