// Keys and the one cipher both the vault and the Temporal payload codec use (AES-256-GCM).
export { open, seal, TamperedData } from './aead';
export { ensureDevKeys, type KeyEnv, newKeyEnv } from './devKeys';
export { type Keyring, keyringSpec, newKeySpec, parseKeyring, randomKeyring } from './keyring';
