import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StationError, isStationError } from '../errors.ts';
import type { WritableDB } from '../db/database.ts';
import type { AppendInput, Ledger } from '../ledger/ledger.ts';
import type { StationPaths } from '../paths.ts';
import { randomKey, unwrapKey, wrapKey } from './keyWrap.ts';
import { writeObject, sweepTemp } from './objectWriter.ts';
import { openObject } from './objectReader.ts';

export type VaultObject = { id: string; sha256: string; size: number; createdAt: string; shredded: boolean };

type ObjectRow = { id: string; sha256: string; size: number; wrapped_key: Buffer | null; chunk_size: number; created_at: string; shredded_at: string | null };

export type VaultVerifyResult = {
  ok: boolean;
  checked: number;
  bytes: number;
  failures: { objectId: string; code: string }[];
};

export type VaultDeps = {
  db: WritableDB;
  ledger: Ledger;
  paths: StationPaths;
  masterKey: () => Buffer;
  now: () => Date;
  write: <T>(fn: () => T) => T;
};

const objectAad = (id: string) => Buffer.from(`evidence-station/object-key/${id}`);

/**
 * The encrypted store of original footage. Objects are immutable once committed: originals are
 * never edited (001 第二十条); the only other thing that can happen to one is crypto-shredding
 * by a recorded destruction decision.
 */
export class Vault {
  private readonly deps: VaultDeps;
  constructor(deps: VaultDeps) {
    this.deps = deps;
  }

  objectPath(id: string): string {
    return join(this.deps.paths.objects, id.slice(0, 2), `${id}.evo`);
  }

  /**
   * Streams source into a new object: one read, hashed and encrypted in the same pass, written
   * atomically, then read back and re-hashed. Only a verified object gets its catalogue row, and
   * that row commits together with the caller's ledger entry — a crash at any point before
   * leaves no row and no entry claiming the object.
   */
  async put(
    source: AsyncIterable<Buffer | Uint8Array>,
    options: {
      ledgerEntry?: (object: VaultObject) => AppendInput;
      alsoInTransaction?: (object: VaultObject) => void;
      onProgress?: (bytes: number) => void;
      signal?: AbortSignal;
      /** see WriteObjectOptions.sourceGivesUpBuffers */
      sourceGivesUpBuffers?: boolean;
    } = {},
  ): Promise<VaultObject> {
    const masterKey = this.deps.masterKey();
    const id = randomUUID();
    const key = randomKey();
    const dest = this.objectPath(id);
    await mkdir(this.deps.paths.vaultTmp, { recursive: true });
    const written = await writeObject({ source, key, objectId: id, destPath: dest, tmpDir: this.deps.paths.vaultTmp, onProgress: options.onProgress, signal: options.signal, sourceGivesUpBuffers: options.sourceGivesUpBuffers });
    try {
      const reader = await openObject(dest, key, id);
      let check: { sha256: string; size: number };
      try {
        check = await reader.verify();
      } finally {
        await reader.close();
      }
      if (check.sha256 !== written.sha256 || check.size !== written.size) {
        throw new StationError('verify', 'vault.readback_mismatch', { objectId: id });
      }
      const object: VaultObject = { id, sha256: written.sha256, size: written.size, createdAt: this.deps.now().toISOString(), shredded: false };
      this.deps.write(() => {
        this.deps.db
          .prepare('INSERT INTO vault_objects (id, sha256, size, wrapped_key, chunk_size, created_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(id, object.sha256, object.size, wrapKey(masterKey, key, objectAad(id)), 1 << 20, object.createdAt);
        options.alsoInTransaction?.(object);
        if (options.ledgerEntry) this.deps.ledger.append(options.ledgerEntry(object));
      });
      return object;
    } catch (e) {
      await rm(dest, { force: true });
      throw e;
    } finally {
      key.fill(0);
    }
  }

  private row(id: string): ObjectRow {
    const row = this.deps.db.prepare('SELECT * FROM vault_objects WHERE id = ?').get(id) as ObjectRow | undefined;
    if (!row) throw new StationError('input', 'vault.no_such_object', { objectId: id });
    return row;
  }

  get(id: string): VaultObject {
    const r = this.row(id);
    return { id: r.id, sha256: r.sha256, size: r.size, createdAt: r.created_at, shredded: r.wrapped_key === null };
  }

  findBySha256(sha256: string): VaultObject | null {
    const r = this.deps.db.prepare('SELECT id FROM vault_objects WHERE sha256 = ? AND wrapped_key IS NOT NULL ORDER BY created_at LIMIT 1').get(sha256) as
      | { id: string }
      | undefined;
    return r ? this.get(r.id) : null;
  }

  private objectKey(row: ObjectRow): Buffer {
    if (row.wrapped_key === null) throw new StationError('state', 'vault.object_shredded', { objectId: row.id });
    try {
      return unwrapKey(this.deps.masterKey(), row.wrapped_key, objectAad(row.id));
    } catch {
      throw new StationError('verify', 'vault.object_corrupt', { objectId: row.id, reason: 'key' });
    }
  }

  /** Decrypts a byte range on the fly; nothing is written to disk. Each chunk is authenticated before it is yielded. */
  async *read(id: string, range?: { start: number; end: number }): AsyncGenerator<Buffer> {
    const row = this.row(id);
    const key = this.objectKey(row);
    const reader = await openObject(this.objectPath(id), key, id);
    try {
      if (reader.size !== row.size) throw new StationError('verify', 'vault.object_corrupt', { objectId: id, reason: 'size' });
      if (row.size === 0) return;
      const start = range?.start ?? 0;
      const end = range?.end ?? row.size - 1;
      if (start < 0 || end >= row.size || start > end) throw new StationError('input', 'vault.bad_range', { objectId: id, start, end });
      yield* reader.readRange(start, end);
    } finally {
      await reader.close();
      key.fill(0);
    }
  }

  /** Fixity check of one object: decrypt every chunk and compare the plaintext hash with the catalogue. */
  async verifyObject(id: string, onProgress?: (done: number, total: number) => void): Promise<void> {
    const row = this.row(id);
    const key = this.objectKey(row);
    const reader = await openObject(this.objectPath(id), key, id);
    try {
      const result = await reader.verify(onProgress);
      if (result.sha256 !== row.sha256 || result.size !== row.size) {
        throw new StationError('verify', 'vault.object_corrupt', { objectId: id, reason: 'hash' });
      }
    } finally {
      await reader.close();
      key.fill(0);
    }
  }

  list(): VaultObject[] {
    return (this.deps.db.prepare('SELECT * FROM vault_objects ORDER BY created_at, id').all() as ObjectRow[]).map((r) => ({
      id: r.id,
      sha256: r.sha256,
      size: r.size,
      createdAt: r.created_at,
      shredded: r.wrapped_key === null,
    }));
  }

  async verifyAll(onProgress?: (p: { objects: number; totalObjects: number; bytes: number; totalBytes: number; current: string }) => void): Promise<VaultVerifyResult> {
    const objects = this.list().filter((o) => !o.shredded);
    const totalBytes = objects.reduce((s, o) => s + o.size, 0);
    const failures: VaultVerifyResult['failures'] = [];
    let bytes = 0;
    let done = 0;
    for (const o of objects) {
      try {
        await this.verifyObject(o.id, (d) => onProgress?.({ objects: done, totalObjects: objects.length, bytes: bytes + d, totalBytes, current: o.id }));
      } catch (e) {
        failures.push({ objectId: o.id, code: isStationError(e) ? e.code : 'vault.object_corrupt' });
      }
      bytes += o.size;
      done++;
      onProgress?.({ objects: done, totalObjects: objects.length, bytes, totalBytes, current: o.id });
    }
    return { ok: failures.length === 0, checked: objects.length, bytes, failures };
  }

  /**
   * Crypto-shreds an object: the wrapped key is erased (secure_delete zeroes the freed page and
   * the WAL is truncated) and the ciphertext removed. Only destruction decisions call this.
   */
  async shred(actor: string, id: string, details: Record<string, unknown>): Promise<void> {
    this.deps.write(() => {
      const row = this.row(id);
      if (row.wrapped_key === null) throw new StationError('state', 'vault.object_shredded', { objectId: id });
      this.deps.db.prepare('UPDATE vault_objects SET wrapped_key = NULL, shredded_at = ? WHERE id = ?').run(this.deps.now().toISOString(), id);
      this.deps.ledger.append({ actor, action: 'vault.object_shredded', subject: `object:${id}`, details: { sha256: row.sha256, size: row.size, ...details } });
    });
    this.deps.db.pragma('wal_checkpoint(TRUNCATE)');
    await rm(this.objectPath(id), { force: true });
  }

  /**
   * After a crash: temp files of interrupted writes, and object files that were renamed into
   * place but never got their catalogue row (their key died with the process), are removed.
   */
  async sweep(): Promise<{ temp: string[]; orphans: string[] }> {
    await mkdir(this.deps.paths.vaultTmp, { recursive: true });
    const temp = await sweepTemp(this.deps.paths.vaultTmp);
    const orphans: string[] = [];
    let shards: string[];
    try {
      shards = await readdir(this.deps.paths.objects);
    } catch {
      return { temp, orphans };
    }
    const known = this.deps.db.prepare('SELECT 1 FROM vault_objects WHERE id = ?');
    for (const shard of shards) {
      const dir = join(this.deps.paths.objects, shard);
      if (!(await stat(dir)).isDirectory()) continue;
      for (const file of await readdir(dir)) {
        const id = file.replace(/\.evo$/, '');
        if (file.endsWith('.evo') && !known.get(id)) {
          await rm(join(dir, file), { force: true });
          orphans.push(id);
        }
      }
    }
    return { temp, orphans };
  }
}
