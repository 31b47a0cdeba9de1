// Keys and the one cipher both the vault and the Temporal payload codec use (AES-256-GCM).
export { open, seal, TamperedData } from './aead';
export { ensureDevKeys, type KeyEnv } from './devKeys';
export { type Keyring, newKeySpec, parseKeyring, randomKeyring } from './keyring';
