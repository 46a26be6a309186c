// Object keys and the vault master key are stored wrapped (README.md, Architecture: "The vault"): destroying the wrapped key in the
// database crypto-shreds the object even if a copy of its file survives somewhere.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { StationError } from '../errors.ts';

export const KEY_LENGTH = 32;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
/** nonce ‖ ciphertext ‖ tag for a 32-byte key. */
export const WRAPPED_KEY_LENGTH = NONCE_LENGTH + KEY_LENGTH + TAG_LENGTH;

export function randomKey(): Buffer {
  return randomBytes(KEY_LENGTH);
}

/**
 * Encrypts `key` under `kek` with AES-256-GCM. `aad` should name what the key belongs to (for example the object id),
 * so a wrapped key copied onto another row of the database fails to unwrap instead of opening the wrong object.
 */
export function wrapKey(kek: Buffer, key: Buffer, aad: Buffer): Buffer {
  if (kek.length !== KEY_LENGTH) throw new StationError('input', 'vault.bad_key', { length: kek.length });
  // A fresh random nonce per wrap is safe here: a kek wraps far fewer than the 2^32 keys GCM's random-nonce bound allows.
  const nonce = randomBytes(NONCE_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce, { authTagLength: TAG_LENGTH });
  cipher.setAAD(aad);
  const body = cipher.update(key);
  const rest = cipher.final();
  return Buffer.concat([nonce, body, rest, cipher.getAuthTag()]);
}

export function unwrapKey(kek: Buffer, wrapped: Buffer, aad: Buffer): Buffer {
  // Every way of failing reads the same to the caller: a wrong passphrase, a tampered row and a truncated blob must not
  // be distinguishable, and none of them may yield bytes that were not authenticated.
  try {
    if (kek.length !== KEY_LENGTH || wrapped.length < NONCE_LENGTH + TAG_LENGTH) throw new Error('malformed');
    const nonce = wrapped.subarray(0, NONCE_LENGTH);
    const tag = wrapped.subarray(wrapped.length - TAG_LENGTH);
    const decipher = createDecipheriv('aes-256-gcm', kek, nonce, { authTagLength: TAG_LENGTH });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const body = decipher.update(wrapped.subarray(NONCE_LENGTH, wrapped.length - TAG_LENGTH));
    const rest = decipher.final();
    return rest.length === 0 ? body : Buffer.concat([body, rest]);
  } catch (e) {
    throw new StationError('verify', 'vault.key_unwrap_failed', {}, { cause: e });
  }
}
