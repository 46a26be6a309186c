// The catalogue snapshot on the store: this station's database (catalogue, ledger with its signed
// checkpoints, wrapped per-object keys) sealed under a key derived from the vault master key, and
// a manifest beside it that a new PC opens with the station passphrase (replica/README.md).
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { StationError } from '../errors.ts';

export const MANIFEST_FORMAT = 'evidence-station/replica-manifest/1';
export const MANIFEST_NAME = 'station/manifest.json';
export const SNAPSHOT_NAME = 'station/catalogue.snapshot';
/**
 * How long a snapshot version is locked on the store. A snapshot holds the wrapped keys of every
 * object alive when it was taken, so this bounds how long a destroyed object's wrapped key can
 * outlive its destruction on the store (replica/README.md, "Destroyed recordings").
 */
export const SNAPSHOT_LOCK_DAYS = 7;

export type ReplicaManifest = {
  format: typeof MANIFEST_FORMAT;
  stationId: string;
  agencyCode: string;
  /** The station_keys row: the master key is wrapped under the passphrase's argon2id key. */
  keys: { kdf: string; wrappedMasterKey: string; publicKey: string; wrappedSigningKey: string };
  snapshot: { key: string; versionId: string | null; sha256: string; ledgerSize: number; root: string };
  /** The newest signed checkpoint inside the snapshot: the restored ledger must be consistent with it. */
  checkpoint: { size: number; root: string; note: string } | null;
  takenAt: string;
};

const LABEL = 'evidence-station replica snapshot v1';
const aad = (stationId: string, ledgerSize: number) => Buffer.from(`${LABEL}/${stationId}/${ledgerSize}`);

function snapshotKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), LABEL, 32));
}

/** nonce ‖ ciphertext ‖ tag (AES-256-GCM). */
export function sealSnapshot(masterKey: Buffer, plain: Buffer, stationId: string, ledgerSize: number): Buffer {
  const key = snapshotKey(masterKey);
  try {
    const nonce = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, nonce);
    c.setAAD(aad(stationId, ledgerSize));
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([nonce, body, c.getAuthTag()]);
  } finally {
    key.fill(0);
  }
}

export function openSnapshot(masterKey: Buffer, sealed: Buffer, stationId: string, ledgerSize: number): Buffer {
  const key = snapshotKey(masterKey);
  try {
    const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    d.setAAD(aad(stationId, ledgerSize));
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
  } catch (e) {
    throw new StationError('verify', 'replica.snapshot_corrupt', {}, { cause: e });
  } finally {
    key.fill(0);
  }
}
