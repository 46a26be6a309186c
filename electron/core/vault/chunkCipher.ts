// Opens single chunks for the reader (playback, range reads). WebCrypto never hands out plaintext whose tag failed,
// which is the guarantee the reader depends on. Sealing is no longer here: objects are sealed by the writer's worker
// with native createCipheriv (objectSealer.ts, issue 16), where WebCrypto's copies of every chunk and its output cost
// more CPU than the encryption itself.
//
// WebCrypto copies `data` and the algorithm's `iv`/`additionalData` before open returns (the spec's "get a copy of
// the bytes" happens synchronously), so callers may reuse those buffers as soon as the call returns.
import { webcrypto } from 'node:crypto';
import { StationError } from '../errors.ts';
import { KEY_LENGTH } from './keyWrap.ts';
import { TAG_LENGTH } from './objectFormat.ts';

export type ChunkKey = webcrypto.CryptoKey;

export async function importChunkKey(key: Buffer): Promise<ChunkKey> {
  if (key.length !== KEY_LENGTH) throw new StationError('input', 'vault.bad_key', { length: key.length });
  // Not extractable: a CryptoKey leaked into a log or an IPC reply cannot be turned back into the key bytes.
  return webcrypto.subtle.importKey('raw', key, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

/** Rejects (with a DOMException) unless the tag verifies; only then is any plaintext released. */
export function openChunk(key: ChunkKey, nonce: Uint8Array, header: Uint8Array, sealed: Uint8Array): Promise<ArrayBuffer> {
  return webcrypto.subtle.decrypt(
    { name: 'AES-GCM', iv: nonce, additionalData: header, tagLength: TAG_LENGTH * 8 },
    key,
    sealed,
  );
}
