// Temporal payload encryption: the codec every client, worker and replayer installs, and the codec
// server protocol the API answers so the Web UI shows decoded payloads to those allowed to see them.
export { answerCodecRequest, type JsonPayload, MalformedCodecRequest } from './codecServer';
export {
  ENCRYPTED_ENCODING,
  EncryptionCodec,
  encryptedDataConverter,
  KEY_ID_METADATA,
  UnknownCodecKey,
} from './payloadCodec';
