import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import Database from 'better-sqlite3';
import { StationError } from '../errors.ts';
import type { ReadableDB, WritableDB } from '../db/database.ts';
import { randomKey, unwrapKey, wrapKey } from '../vault/keyWrap.ts';
import { deriveKey, KDF_BINDING, kdfBindingBytes, type KdfParams } from './kdf.ts';

// Associated data ties each wrapped blob to its purpose, so a master-key blob cannot be passed
// off as a signing-key blob or vice versa.
const MASTER_AAD = Buffer.from('evidence-station/master-key/v1');
const SIGNING_AAD = Buffer.from('evidence-station/signing-key/v1');

/**
 * v2 also binds the KDF parameters: an edited header (raised memory, another salt) then fails
 * authentication instead of being silently obeyed. v1 wraps are upgraded at the next unlock.
 */
function masterAad(kdf: KdfParams): Buffer {
  return kdf.binding === KDF_BINDING ? Buffer.concat([Buffer.from('evidence-station/master-key/v2\n'), kdfBindingBytes(kdf)]) : MASTER_AAD;
}

export type UnlockedKeys = { masterKey: Buffer; signingKey: KeyObject; publicKey: Buffer };

type KeyRow = {
  kdf: string;
  wrapped_master_key: Buffer;
  signing_public_key: Buffer;
  wrapped_signing_key: Buffer;
};

export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  return Buffer.from(jwk.x as string, 'base64url');
}

export type KeyMaterial = {
  kdf: KdfParams;
  wrappedMasterKey: Buffer;
  publicKey: Buffer;
  wrappedSigningKey: Buffer;
};

/** Derives and wraps fresh key material without touching the database (argon2 is async, transactions are not). */
export async function generateKeys(passphrase: string, requested: KdfParams): Promise<{ material: KeyMaterial; unlocked: UnlockedKeys }> {
  const kdf: KdfParams = { ...requested, binding: KDF_BINDING };
  const kek = await deriveKey(passphrase, kdf);
  const masterKey = randomKey();
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKey = rawPublicKey(privateKey);
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const material: KeyMaterial = {
    kdf,
    wrappedMasterKey: wrapKey(kek, masterKey, masterAad(kdf)),
    publicKey,
    wrappedSigningKey: wrapKey(masterKey, pkcs8, SIGNING_AAD),
  };
  kek.fill(0);
  pkcs8.fill(0);
  return { material, unlocked: { masterKey, signingKey: privateKey, publicKey } };
}

export function storeKeys(db: WritableDB, material: KeyMaterial, at: Date): void {
  db.prepare(
    `INSERT INTO station_keys (id, kdf, wrapped_master_key, signing_public_key, wrapped_signing_key, created_at)
     VALUES (1, ?, ?, ?, ?, ?)`,
  ).run(JSON.stringify(material.kdf), material.wrappedMasterKey, material.publicKey, material.wrappedSigningKey, at.toISOString());
}

function keyRow(db: ReadableDB): KeyRow {
  const row = db.prepare('SELECT kdf, wrapped_master_key, signing_public_key, wrapped_signing_key FROM station_keys WHERE id = 1').get() as
    | KeyRow
    | undefined;
  if (!row) throw new StationError('state', 'station.not_initialized', {});
  return row;
}

export function publicKeyOf(db: ReadableDB): Buffer {
  return keyRow(db).signing_public_key;
}

/** A v1 wrap re-made with the parameters bound; the caller stores it (and ledgers it) in a transaction. */
export type Rewrap = { kdf: KdfParams; wrappedMasterKey: Buffer; previous: Buffer };

export async function unlockKeys(db: ReadableDB, passphrase: string): Promise<UnlockedKeys & { rewrap: Rewrap | null }> {
  const row = keyRow(db);
  const kdf = JSON.parse(row.kdf) as KdfParams;
  const kek = await deriveKey(passphrase, kdf);
  let masterKey: Buffer;
  let rewrap: Rewrap | null = null;
  try {
    masterKey = unwrapKey(kek, row.wrapped_master_key, masterAad(kdf));
    if (kdf.binding !== KDF_BINDING) {
      const bound: KdfParams = { ...kdf, binding: KDF_BINDING };
      rewrap = { kdf: bound, wrappedMasterKey: wrapKey(kek, masterKey, masterAad(bound)), previous: row.wrapped_master_key };
    }
  } catch {
    throw new StationError('denied', 'station.wrong_passphrase', {});
  } finally {
    kek.fill(0);
  }
  const signingKey = createPrivateKey({ key: unwrapKey(masterKey, row.wrapped_signing_key, SIGNING_AAD), format: 'der', type: 'pkcs8' });
  if (!rawPublicKey(signingKey).equals(row.signing_public_key)) {
    throw new StationError('verify', 'station.key_mismatch', {});
  }
  return { masterKey, signingKey, publicKey: row.signing_public_key, rewrap };
}

/** The stored (wrapped) key material as kept on disk: what a replica snapshot's manifest carries for a restore. */
export function storedKeys(db: ReadableDB): KeyRow {
  return keyRow(db);
}

/**
 * Unlocks keys kept outside any station database (a replica manifest's copy, for a restore) with the
 * very checks of `unlockKeys`, by holding them in a throwaway in-memory table of the same shape.
 */
export async function unlockDetachedKeys(
  stored: { kdf: string; wrappedMasterKey: Buffer; publicKey: Buffer; wrappedSigningKey: Buffer },
  passphrase: string,
): Promise<UnlockedKeys & { rewrap: Rewrap | null }> {
  const mem = new Database(':memory:');
  try {
    mem.exec('CREATE TABLE station_keys (id INTEGER PRIMARY KEY, kdf TEXT, wrapped_master_key BLOB, signing_public_key BLOB, wrapped_signing_key BLOB)');
    mem.prepare('INSERT INTO station_keys VALUES (1, ?, ?, ?, ?)').run(stored.kdf, stored.wrappedMasterKey, stored.publicKey, stored.wrappedSigningKey);
    return await unlockKeys(mem as unknown as ReadableDB, passphrase);
  } finally {
    mem.close();
  }
}
