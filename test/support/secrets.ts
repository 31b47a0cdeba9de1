import { encryptedDataConverter } from '../../codec';
import { randomKeyring } from '../../keys';

/** This test process's keys: fresh per run, as a new deployment's would be. */
export const TEST_VAULT_KEYS = randomKeyring('test-vault');
export const TEST_CODEC_KEYS = randomKeyring('test-codec');

/** Every client and worker of a test speaks through the codec, as in production. */
export const testDataConverter = encryptedDataConverter(TEST_CODEC_KEYS);
