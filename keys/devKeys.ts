import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newKeySpec } from './keyring';

/** The key variables every process reads (config/knobs.ts). */
export interface KeyEnv {
  VAULT_MASTER_KEYS: string;
  VAULT_CURRENT_KEY_ID: string;
  TEMPORAL_CODEC_KEYS: string;
  TEMPORAL_CODEC_KEY_ID: string;
}

/**
 * `npm start`'s keys: made once under the data folder (mode 0600) and reused, so what was sealed
 * yesterday still opens today. Production passes the same variables from its secret store.
 */
export function ensureDevKeys(dataDir: string): KeyEnv {
  const file = join(dataDir, 'dev-keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as KeyEnv;
  const keys = newKeyEnv('dev');
  writeFileSync(file, `${JSON.stringify(keys, null, 1)}\n`, { mode: 0o600, flag: 'wx' });
  return keys;
}

/** Fresh keys for one run (chaos, benchmarks): nothing outlives it, so nothing needs keeping. */
export const newKeyEnv = (prefix: string): KeyEnv => ({
  VAULT_MASTER_KEYS: newKeySpec(`${prefix}-vault-1`),
  VAULT_CURRENT_KEY_ID: `${prefix}-vault-1`,
  TEMPORAL_CODEC_KEYS: newKeySpec(`${prefix}-codec-1`),
  TEMPORAL_CODEC_KEY_ID: `${prefix}-codec-1`,
});
