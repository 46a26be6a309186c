// station restore --from-replica: a lost station rebuilt on a new PC from its replica, with the
// station passphrase. Everything is assembled and verified in a folder beside the target and moved
// into place only when the restored ledger and every object verify: a refusal writes nothing.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { StationError, isStationError } from '../errors.ts';
import type { ReadableDB } from '../db/database.ts';
import { unlockDetachedKeys } from '../keys/keyring.ts';
import { verifyLedger } from '../ledger/ledger.ts';
import { headMacKey, newHeadRecord, writeHead } from '../ledger/head.ts';
import { MerkleAccumulator } from '../ledger/merkle.ts';
import { iterateLeafTimes, latestCheckpointRow } from '../ledger/query.ts';
import type { WritableDB } from '../db/database.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Settings } from '../settings.ts';
import { liveObjectsSql, type Vault } from '../vault/vault.ts';
import { ReplicaStore, type StoreConfig } from './store.ts';
import { MANIFEST_FORMAT, MANIFEST_NAME, openSnapshot, type ReplicaManifest } from './snapshot.ts';

/**
 * What the restore asks of the rebuilt station to verify it. The composition root opens it (`open`),
 * since how a station is built is its business alone.
 */
export type RestoredStation = {
  unlock(passphrase: string): Promise<void>;
  readonly db: WritableDB;
  readonly ledger: Ledger;
  readonly settings: Settings;
  readonly vault: Vault;
  readonly origin: string;
  publicKey(): Buffer;
  write<T>(fn: () => T): T;
  close(): void;
};

export type RestoreInput = { dataDir: string; store: StoreConfig; passphrase: string; stationId?: string; open: (dataDir: string) => RestoredStation };

export type RestoreResult = {
  stationId: string;
  agencyCode: string;
  ledgerSize: number;
  objects: number;
  bytes: number;
  ledgerVerified: boolean;
  vaultVerified: boolean;
};

function isEmptyOrMissing(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

/** Opens the manifest's wrapped master key with the passphrase, the way unlock does at a station. */
async function masterKeyFrom(manifest: ReplicaManifest, passphrase: string): Promise<Buffer> {
  const keys = await unlockDetachedKeys(
    {
      kdf: manifest.keys.kdf,
      wrappedMasterKey: Buffer.from(manifest.keys.wrappedMasterKey, 'base64'),
      publicKey: Buffer.from(manifest.keys.publicKey, 'base64'),
      wrappedSigningKey: Buffer.from(manifest.keys.wrappedSigningKey, 'base64'),
    },
    passphrase,
  );
  return keys.masterKey;
}

function writeRestoredHead(dir: string, manifest: ReplicaManifest, masterKey: Buffer): void {
  const db = new Database(join(dir, 'station.db'), { readonly: true });
  try {
    const acc = new MerkleAccumulator();
    let lastTime = '';
    for (const row of iterateLeafTimes(db as unknown as ReadableDB)) {
      acc.append(Buffer.from(row.leaf_hash, 'hex'));
      if (row.time > lastTime) lastTime = row.time;
    }
    if (acc.size !== manifest.snapshot.ledgerSize || acc.root().toString('hex') !== manifest.snapshot.root) {
      throw new StationError('verify', 'replica.restore_inconsistent', { reason: 'snapshot root' });
    }
    const cp = latestCheckpointRow(db as unknown as ReadableDB);
    const now = new Date().toISOString();
    writeHead(
      dir,
      newHeadRecord({
        publicKey: manifest.keys.publicKey,
        size: acc.size,
        root: acc.root().toString('hex'),
        frontier: acc.toJSON().nodes,
        checkpoint: cp ? { size: cp.size, root: cp.root, note: cp.note } : null,
        seen: null,
        lastTime: lastTime || now,
        writtenAt: now,
      }),
      headMacKey(masterKey),
    );
  } finally {
    db.close();
  }
}

export async function restoreFromReplica(input: RestoreInput): Promise<RestoreResult> {
  const target = input.dataDir;
  if (!isEmptyOrMissing(target)) throw new StationError('state', 'replica.restore_target_not_empty', { dataDir: target });
  const store = new ReplicaStore(input.store);
  const staging = join(dirname(target), `.${target.split('/').pop()}.restoring-${process.pid}`);
  try {
    const manifests = (await store.listKeys('evidence-station/')).filter((k) => k.endsWith(`/${MANIFEST_NAME}`));
    const candidates: ReplicaManifest[] = [];
    for (const key of manifests) {
      try {
        const m = JSON.parse((await store.getSmall(key)).toString('utf8')) as ReplicaManifest;
        if (m.format === MANIFEST_FORMAT && (!input.stationId || m.stationId === input.stationId)) candidates.push(m);
      } catch (e) {
        if (isStationError(e) && e.code !== 'replica.store_error') throw e;
      }
    }
    if (candidates.length === 0) throw new StationError('input', 'replica.restore_nothing', { bucket: input.store.bucket });
    // The passphrase says which station this is: another station's manifest does not open with it.
    let manifest: ReplicaManifest | null = null;
    let masterKey: Buffer | null = null;
    for (const m of candidates) {
      try {
        masterKey = await masterKeyFrom(m, input.passphrase);
        manifest = m;
        break;
      } catch (e) {
        if (!(isStationError(e) && e.code === 'station.wrong_passphrase')) throw e;
      }
    }
    if (!manifest || !masterKey) throw new StationError('denied', 'replica.restore_wrong_passphrase', { bucket: input.store.bucket, stations: candidates.length });

    const sealed = await store.getSmall(manifest.snapshot.key, manifest.snapshot.versionId ?? undefined);
    if (createHash('sha256').update(sealed).digest('hex') !== manifest.snapshot.sha256) throw new StationError('verify', 'replica.snapshot_corrupt', {});
    const plain = openSnapshot(masterKey, sealed, manifest.stationId, manifest.snapshot.ledgerSize);

    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true, mode: 0o700 });
    await writeFile(join(staging, 'station.db'), plain);
    plain.fill(0);
    // The head record (ledger/README.md) lives outside station.db and was lost with the PC. The
    // holder of the passphrase vouches for the snapshot's tree, as the station itself would; a
    // later unlock then checks the table against it as always.
    try {
      writeRestoredHead(staging, manifest, masterKey);
    } finally {
      masterKey.fill(0);
    }

    // The objects the snapshot's catalogue holds, each fetched as the version the replica locked.
    const db = new Database(join(staging, 'station.db'), { readonly: true });
    let rows: { id: string; remote_key: string | null; remote_version: string | null; state: string | null }[];
    try {
      rows = db
        .prepare(liveObjectsSql('q.remote_key, q.remote_version, q.state', 'LEFT JOIN replica_queue q ON q.object_id = o.id'))
        .all() as typeof rows;
    } finally {
      db.close();
    }
    const missing = rows.filter((r) => r.state !== 'stored' || !r.remote_key);
    if (missing.length) throw new StationError('verify', 'replica.restore_objects_missing', { count: missing.length, first: missing[0]!.id });
    let bytes = 0;
    for (const r of rows) {
      const dest = join(staging, 'vault', 'objects', r.id.slice(0, 2), `${r.id}.evo`);
      mkdirSync(dirname(dest), { recursive: true });
      const fh = await open(dest, 'wx');
      try {
        await store.download(r.remote_key!, r.remote_version, async (chunk) => {
          await fh.write(chunk);
          bytes += chunk.length;
        });
        await fh.sync();
      } finally {
        await fh.close();
      }
    }

    // The rebuilt station must verify before it is put in place.
    const station = input.open(staging);
    let result: RestoreResult;
    try {
      await station.unlock(input.passphrase);
      const restoredRoot = station.ledger.size >= manifest.snapshot.ledgerSize ? station.ledger.root().toString('hex') : '';
      if (station.settings.get('station.id') !== manifest.stationId || station.ledger.size < manifest.snapshot.ledgerSize) {
        throw new StationError('verify', 'replica.restore_inconsistent', { reason: 'snapshot' });
      }
      const atSnapshot = station.ledger.checkpointAt(manifest.checkpoint?.size ?? -1);
      if (manifest.checkpoint && (!atSnapshot || atSnapshot.root !== manifest.checkpoint.root)) throw new StationError('verify', 'replica.restore_inconsistent', { reason: 'checkpoint' });
      const ledgerCheck = verifyLedger(station.db, station.publicKey(), station.origin, undefined, { checkpointEvery: station.ledger.checkpointEvery });
      if (!ledgerCheck.ok) throw new StationError('verify', 'replica.restore_inconsistent', { reason: `ledger ${ledgerCheck.reason ?? ''} at ${ledgerCheck.firstBadSeq ?? ''}` });
      const vaultCheck = await station.vault.verifyAll();
      if (!vaultCheck.ok) throw new StationError('verify', 'replica.restore_inconsistent', { reason: `vault ${vaultCheck.failures[0]?.objectId ?? ''}` });
      station.write(() => {
        station.ledger.append({
          actor: 'system',
          action: 'station.restored',
          subject: `station:${manifest.stationId}`,
          details: {
            from: { endpoint: input.store.endpoint, bucket: input.store.bucket, snapshot: manifest.snapshot.versionId, takenAt: manifest.takenAt },
            ledgerSize: manifest.snapshot.ledgerSize,
            ledgerRoot: manifest.snapshot.root,
            checkpoint: manifest.checkpoint?.size ?? null,
            objects: rows.length,
            bytes,
            vaultChecked: vaultCheck.checked,
            rootBeforeRestoreEntries: restoredRoot,
          },
        });
        station.ledger.checkpoint();
      });
      result = { stationId: manifest.stationId, agencyCode: manifest.agencyCode, ledgerSize: station.ledger.size, objects: rows.length, bytes, ledgerVerified: true, vaultVerified: true };
    } finally {
      station.close();
    }
    // Into place only now; an empty target folder (made by the caller) is replaced.
    if (existsSync(target)) rmdirSync(target);
    renameSync(staging, target);
    return result;
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  } finally {
    store.close();
  }
}
