import { z } from 'zod';
import { type Keyring, parseKeyring } from '../keys/keyring';

// Keys come from configuration (a secret store in production); `npm start` makes dev keys under
// .data/ on first run (keys/devKeys.ts). Format: `id:base64(32 bytes)`, comma-separated, for rotation.
const keySpec = z.string().refine(
  (spec) => {
    try {
      parseKeyring(spec);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected `id:base64(32 bytes)[,id:base64…]`' },
);

/** The vault's master keys: they wrap each order's data key. */
export const vaultKeyKnobs = {
  VAULT_MASTER_KEYS: keySpec.optional(),
  /** Which key wraps new data keys (default: the last listed). */
  VAULT_CURRENT_KEY_ID: z.string().min(1).optional(),
};

/** The Temporal payload codec's keys: every payload the saga carries is sealed with the current one. */
export const codecKeyKnobs = {
  TEMPORAL_CODEC_KEYS: keySpec.optional(),
  /** Which key seals new payloads (default: the last listed); the others still decode. */
  TEMPORAL_CODEC_KEY_ID: z.string().min(1).optional(),
};

/** The keyring, or undefined when unset; a current id that is not among the keys is a config error. */
export function keyringOf(
  spec: string | undefined,
  currentId: string | undefined,
  name: string,
  ctx: { addIssue(issue: { code: 'custom'; message: string; path: string[] }): void },
): Keyring | undefined {
  if (!spec) return undefined;
  try {
    return parseKeyring(spec, currentId);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message, path: [name] });
    return undefined;
  }
}

/** For processes that cannot run without a keyring: the variable to set, in one sentence. */
export function required(keys: Keyring | undefined, variable: string): Keyring {
  if (!keys) throw new Error(`${variable} is not set (see README: "Secrets and personal data")`);
  return keys;
}
