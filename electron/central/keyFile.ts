import crypto from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StationError } from '../core/errors.ts';
import { deriveKey, kdfBindingBytes, newKdfParams, assertKdfFloor, assertKdfCeiling, MIN_PASSPHRASE_LENGTH, type KdfParams } from '../core/keys/kdf.ts';
import { rawPublicKey } from '../core/ledger/checkpoint.ts';
import { cosignerVerifierKey } from '../core/witness/cosignature.ts';

// The witness's Ed25519 key, stored in one file beside the service's configuration. The private
// key is sealed with AES-256-GCM under an argon2id key from the operator's passphrase (the same
// KDF and floor as the station's master key), with the KDF parameters as associated data so a
// file edited to weaken them does not open. Nothing else in the service is secret.

export const KEY_FILE = 'witness-key.json';

type KeyFile = { version: 1; name: string; vkey: string; kdf: KdfParams; iv: string; tag: string; sealed: string };

export type WitnessKey = { name: string; vkey: string; privateKey: KeyObject; publicKey: Buffer };

export async function createWitnessKey(dir: string, name: string, passphrase: string): Promise<{ vkey: string; path: string }> {
  const path = join(dir, KEY_FILE);
  if (existsSync(path)) throw new StationError('state', 'central.key_exists', { path });
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) throw new StationError('input', 'central.passphrase_short', { min: MIN_PASSPHRASE_LENGTH });
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  const publicKey = rawPublicKey(privateKey);
  const vkey = cosignerVerifierKey(name, publicKey);
  const kdf = newKdfParams();
  const key = await deriveKey(passphrase, kdf);
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(kdfBindingBytes(kdf));
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const sealed = Buffer.concat([cipher.update(der), cipher.final()]);
  const file: KeyFile = { version: 1, name, vkey, kdf, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), sealed: sealed.toString('base64') };
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return { vkey, path };
}

export async function openWitnessKey(dir: string, passphrase: string): Promise<WitnessKey> {
  const path = join(dir, KEY_FILE);
  let file: KeyFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  } catch {
    throw new StationError('state', 'central.key_missing', { path });
  }
  assertKdfFloor(file.kdf);
  assertKdfCeiling(file.kdf);
  const key = await deriveKey(passphrase, file.kdf);
  let der: Buffer;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(file.iv, 'base64'));
    decipher.setAAD(kdfBindingBytes(file.kdf));
    decipher.setAuthTag(Buffer.from(file.tag, 'base64'));
    der = Buffer.concat([decipher.update(Buffer.from(file.sealed, 'base64')), decipher.final()]);
  } catch {
    throw new StationError('denied', 'central.wrong_passphrase', {});
  }
  const privateKey = crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const publicKey = rawPublicKey(privateKey);
  // The vkey in the file is what operators hand to stations; it must be this key's.
  if (cosignerVerifierKey(file.name, publicKey) !== file.vkey) throw new StationError('verify', 'central.key_file_inconsistent', { path });
  return { name: file.name, vkey: file.vkey, privateKey, publicKey };
}
