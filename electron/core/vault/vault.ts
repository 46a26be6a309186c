import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { StationError, isStationError } from '../errors.ts';
import type { ReadableDB, WritableDB } from '../db/database.ts';
import type { AppendInput, Ledger } from '../ledger/ledger.ts';
import { latestEntryBySubject } from '../ledger/query.ts';
import type { StationPaths } from '../paths.ts';
import { randomKey, unwrapKey, wrapKey } from './keyWrap.ts';
import { writeObject, sweepTemp } from './objectWriter.ts';
import { openObject } from './objectReader.ts';
import { FollowingReadBack } from './readBack.ts';
import { LEASE_SUFFIX, currentProcess, ownerAlive, stagedLeasePid, takeLease, writerState } from './writeLease.ts';

export type VaultObject = { id: string; sha256: string; size: number; createdAt: string; shredded: boolean };

/** What a put wrote, and what it duplicates. */
export type StoredObject = VaultObject & {
  /**
   * With `dedupe`: the object that already held these bytes. This put then kept nothing (no row,
   * its file removed), so its own id names nothing stored; the caller links the earlier object.
   */
  duplicates: VaultObject | null;
};

type ObjectRow = { id: string; sha256: string; size: number; wrapped_key: Buffer | null; chunk_size: number; created_at: string; shredded_at: string | null };

export type VaultVerifyResult = {
  ok: boolean;
  checked: number;
  bytes: number;
  failures: { objectId: string; code: string }[];
};

/** An object file that was found without a catalogue row and set aside (never deleted). */
export type QuarantinedObject = {
  objectId: string;
  /** ciphertext bytes on disk */
  bytes: number;
  /** the ledger entry that set it aside; null when this database does not know it (restored from a copy) */
  ledgerSeq: number | null;
  quarantinedAt: string | null;
  reason: string | null;
};

export type SweepResult = { temp: string[]; quarantined: string[]; inUse: string[] };

export type VaultDeps = {
  db: WritableDB;
  ledger: Ledger;
  paths: StationPaths;
  masterKey: () => Buffer;
  now: () => Date;
  write: <T>(fn: () => T) => T;
};

/** At most one in-object progress report of verifyAll per this many milliseconds. */
const PROGRESS_MS = 100;

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
   *
   * With `dedupe`, content the vault already holds is stored once: the hash is known only after the
   * read, so the new object is written and verified, then, under the write lock, compared with the
   * vault; when the bytes are there already the new object is dropped and `duplicates` names the
   * earlier one, in the same transaction as the caller's own rows.
   */
  async put(
    source: AsyncIterable<Buffer | Uint8Array>,
    options: {
      ledgerEntry?: (object: StoredObject) => AppendInput;
      alsoInTransaction?: (object: StoredObject) => void;
      dedupe?: boolean;
      onProgress?: (bytes: number) => void;
      /** see WriteObjectOptions.onSourceRead: the fsync, the rename and the read-back verify are still to come */
      onSourceRead?: () => void;
      signal?: AbortSignal;
      /** see WriteObjectOptions.sourceGivesUpBuffers */
      sourceGivesUpBuffers?: boolean;
    } = {},
  ): Promise<StoredObject> {
    const masterKey = this.deps.masterKey();
    const id = randomUUID();
    const key = randomKey();
    const dest = this.objectPath(id);
    await mkdir(this.deps.paths.vaultTmp, { recursive: true });
    // Every process sweeping this vault sees the lease and leaves this write's files alone until it is released.
    const lease = await takeLease(this.deps.paths.vaultTmp, id).catch((e: unknown) => {
      key.fill(0);
      throw e;
    });
    const readBack = new FollowingReadBack(id, key);
    try {
      // Read back from the disk, decrypted and re-hashed, behind the writer rather than after it (readBack.ts).
      const written = await writeObject({ source, key, objectId: id, destPath: dest, tmpDir: this.deps.paths.vaultTmp, onProgress: options.onProgress, onSourceRead: options.onSourceRead, signal: options.signal, sourceGivesUpBuffers: options.sourceGivesUpBuffers, readBack });
      let check: { sha256: string; size: number };
      try {
        check = await readBack.finish(dest, written.size);
      } finally {
        await readBack.close();
      }
      if (check.sha256 !== written.sha256 || check.size !== written.size) {
        throw new StationError('verify', 'vault.readback_mismatch', { objectId: id });
      }
      const fresh: VaultObject = { id, sha256: written.sha256, size: written.size, createdAt: this.deps.now().toISOString(), shredded: false };
      return this.deps.write(() => {
        const duplicates = options.dedupe ? this.findBySha256(fresh.sha256) : null;
        if (duplicates) {
          // Removed before the commit: a crash after it leaves no row-less file for the sweep to set aside.
          rmSync(dest, { force: true });
        } else {
          // A row must never claim a file that is not there (whatever removed or moved it).
          if (!existsSync(dest)) throw new StationError('state', 'vault.object_vanished', { objectId: id });
          this.deps.db
            .prepare('INSERT INTO vault_objects (id, sha256, size, wrapped_key, chunk_size, created_at) VALUES (?, ?, ?, ?, ?, ?)')
            .run(id, fresh.sha256, fresh.size, wrapKey(masterKey, key, objectAad(id)), 1 << 20, fresh.createdAt);
        }
        const object: StoredObject = { ...fresh, duplicates };
        options.alsoInTransaction?.(object);
        if (options.ledgerEntry) this.deps.ledger.append(options.ledgerEntry(object));
        return object;
      });
    } catch (e) {
      // Only this write's own uncommitted file: no row was committed for it.
      await rm(dest, { force: true });
      throw e;
    } finally {
      await readBack.close();
      key.fill(0);
      await lease.release();
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

  /** The earliest live (not shredded) object with these bytes. */
  findBySha256(sha256: string): VaultObject | null {
    const r = this.deps.db.prepare('SELECT id FROM vault_objects WHERE sha256 = ? AND wrapped_key IS NOT NULL ORDER BY created_at, id LIMIT 1').get(sha256) as
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
      // Through the page cache: a fixity sweep reads objects long since written, and the kernel's readahead keeps the
      // disk busier than one direct window ahead (1.4–1.6× the wall direct, equal CPU; vault/README.md). The put's own
      // read-back stays direct, so it reads what reached the disk.
      const result = await reader.verify(onProgress, { readMode: 'buffered' });
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

  /** A fixity check someone ran: itself part of the chain of custody, so it is ledgered with what it found. */
  async verifyRecorded(actor: string, onProgress?: Parameters<Vault['verifyAll']>[0]): Promise<VaultVerifyResult> {
    const result = await this.verifyAll(onProgress);
    this.deps.write(() =>
      this.deps.ledger.append({
        actor,
        action: result.ok ? 'vault.verified' : 'vault.verify_failed',
        subject: 'vault',
        details: { checked: result.checked, bytes: result.bytes, failures: result.failures },
      }),
    );
    return result;
  }

  /**
   * Verifies every object not shredded, up to one per core at once, the largest first: one object's SHA-256 is
   * sequential and can use only one core (its verify runs on a worker thread of its own), so a vault of several
   * objects is checked by all of them. Progress is therefore a total (objects finished, bytes verified), `current`
   * the object that last moved it; failures are listed in catalogue order whatever order they were found in.
   */
  async verifyAll(
    onProgress?: (p: { objects: number; totalObjects: number; bytes: number; totalBytes: number; current: string }) => void,
    options: { concurrency?: number } = {},
  ): Promise<VaultVerifyResult> {
    const objects = this.list().filter((o) => !o.shredded);
    const totalBytes = objects.reduce((s, o) => s + o.size, 0);
    const failed: ({ objectId: string; code: string } | null)[] = objects.map(() => null);
    const concurrency = Math.max(1, Math.min(options.concurrency ?? availableParallelism(), objects.length));
    let bytes = 0;
    let done = 0;
    let next = 0;
    // Every chunk of every object in flight reports, over a thousand a second: the listener (an IPC event to the
    // desktop, a terminal line) hears at most one every PROGRESS_MS, and every object's end.
    let shownAt = 0;
    const one = async (at: number): Promise<void> => {
      const o = objects[at]!;
      let counted = 0;
      const chunkDone = (d: number): void => {
        bytes += d - counted;
        counted = d;
        const now = performance.now();
        if (now - shownAt < PROGRESS_MS) return;
        shownAt = now;
        onProgress?.({ objects: done, totalObjects: objects.length, bytes, totalBytes, current: o.id });
      };
      try {
        // Without a listener the worker is asked for no progress at all.
        await this.verifyObject(o.id, onProgress && chunkDone);
      } catch (e) {
        failed[at] = { objectId: o.id, code: isStationError(e) ? e.code : 'vault.object_corrupt' };
      }
      // A failed object counts as checked, all its bytes with it, as before verify ran in parallel.
      bytes += o.size - counted;
      done++;
      onProgress?.({ objects: done, totalObjects: objects.length, bytes, totalBytes, current: o.id });
    };
    // Largest first: one object's verify is sequential, so a large object left for the end would run alone on one core
    // while the others idle; started first, the small ones fill the lanes around it (longest-processing-time order).
    const order = objects.map((_, i) => i).sort((a, b) => objects[b]!.size - objects[a]!.size || a - b);
    const lane = async (): Promise<void> => {
      while (next < order.length) await one(order[next++]!);
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    const failures = failed.filter((f): f is { objectId: string; code: string } => f !== null);
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

  private get quarantineDir(): string {
    return join(dirname(this.deps.paths.objects), 'quarantine');
  }

  /**
   * After a crash: temp files of writers that are provably dead are removed (they are ciphertext of a write
   * that never committed; the source still has the bytes). An object file without a catalogue row is never
   * removed: its writer may be alive in another process (reading it back before its commit), or the
   * database may have been put back to an older copy. If no live writer holds its lease, it is moved to
   * vault/quarantine and the move is ledgered; an admin sees it with `vault.quarantine`.
   */
  async sweep(): Promise<SweepResult> {
    const tmpDir = this.deps.paths.vaultTmp;
    await mkdir(tmpDir, { recursive: true });
    const alive = (id: string) => writerState(tmpDir, id).state === 'alive';
    const quarantined: string[] = [];
    const inUse: string[] = [];
    let shards: string[] = [];
    try {
      shards = await readdir(this.deps.paths.objects);
    } catch {
      // no object written yet
    }
    const known = this.deps.db.prepare('SELECT 1 FROM vault_objects WHERE id = ?');
    for (const shard of shards) {
      const dir = join(this.deps.paths.objects, shard);
      if (!(await stat(dir)).isDirectory()) continue;
      for (const file of await readdir(dir)) {
        if (!file.endsWith('.evo')) continue;
        const id = file.slice(0, -'.evo'.length);
        // The lease before the row: a writer commits its row before it releases its lease, so a lease seen
        // gone here means the row, if any, is visible below.
        if (alive(id)) {
          if (!known.get(id)) inUse.push(id);
          continue;
        }
        if (known.get(id)) continue;
        if (this.quarantine(join(dir, file), id)) quarantined.push(id);
      }
    }
    const temp = await sweepTemp(tmpDir, alive);
    // Leases of dead writers: their files are dealt with above.
    for (const name of await readdir(tmpDir)) {
      const staged = stagedLeasePid(name);
      if (staged !== null) {
        // A writer killed between writing its lease and renaming it into place: it never began its object.
        // Only the pid is in the name, so any live process with that pid keeps the file (the safe side).
        if (!ownerAlive({ pid: staged, startTicks: null, bootId: null, host: currentProcess().host })) await rm(join(tmpDir, name), { force: true });
        continue;
      }
      if (!name.endsWith(LEASE_SUFFIX) || name.startsWith('.')) continue;
      const id = name.slice(0, -LEASE_SUFFIX.length);
      if (writerState(tmpDir, id).state === 'dead') await rm(join(tmpDir, name), { force: true });
    }
    if (quarantined.length > 0) await this.syncQuarantine();
    return { temp, quarantined, inUse };
  }

  /** Moves one row-less object file aside, in the same transaction as its ledger entry. */
  private quarantine(path: string, id: string): boolean {
    const target = join(this.quarantineDir, `${id}.evo`);
    mkdirSync(this.quarantineDir, { recursive: true, mode: 0o700 });
    return this.deps.write(() => {
      // Checked again under the write lock: a writer's commit and this move never interleave.
      if (this.deps.db.prepare('SELECT 1 FROM vault_objects WHERE id = ?').get(id)) return false;
      if (writerState(this.deps.paths.vaultTmp, id).state === 'alive') return false;
      let bytes: number;
      try {
        bytes = statSync(path).size;
      } catch {
        return false;
      }
      if (existsSync(target)) throw new StationError('state', 'vault.quarantine_exists', { objectId: id });
      renameSync(path, target);
      try {
        this.deps.ledger.append({
          actor: 'system',
          action: 'vault.object_quarantined',
          subject: `object:${id}`,
          details: {
            reason: 'no_catalogue_row',
            bytes,
            from: relative(this.deps.paths.dataDir, path),
            to: relative(this.deps.paths.dataDir, target),
          },
        });
      } catch (e) {
        renameSync(target, path);
        throw e;
      }
      return true;
    });
  }

  /** Object files set aside by the sweep, with the ledger entry that did it where this database has one. */
  async quarantined(): Promise<QuarantinedObject[]> {
    let names: string[];
    try {
      names = await readdir(this.quarantineDir);
    } catch {
      return [];
    }
    const entry = latestEntryBySubject(this.deps.db, 'vault.object_quarantined');
    const out: QuarantinedObject[] = [];
    for (const name of names.sort()) {
      if (!name.endsWith('.evo')) continue;
      const objectId = name.slice(0, -'.evo'.length);
      const bytes = (await stat(join(this.quarantineDir, name))).size;
      const e = entry(`object:${objectId}`);
      out.push({
        objectId,
        bytes,
        ledgerSeq: e?.seq ?? null,
        quarantinedAt: e?.time ?? null,
        reason: e ? ((JSON.parse(e.details) as { reason?: string }).reason ?? null) : null,
      });
    }
    return out;
  }

  /** The moves reach the disk (best effort: some filesystems cannot fsync a folder). */
  private async syncQuarantine(): Promise<void> {
    if (process.platform === 'win32') return;
    const fh = await open(this.quarantineDir, 'r').catch(() => null);
    await fh?.sync().catch(() => {});
    await fh?.close();
  }
}

// Other features keep object facts in the same SQL statement as their own rows (a million
// objects): these fragments let them join without naming the vault's table.

/** `FROM` the vault's objects under `alias`, shredded ones included; pair with `objectNotShredded`. */
export const vaultObjectsFrom = (alias: string): string => `FROM vault_objects ${alias}`;

/** The object under `alias` still has its key (it is not shredded). */
export const objectNotShredded = (alias: string): string => `${alias}.shredded_at IS NULL`;

/** Joins the object `objectIdColumn` names, under `alias` (its size, its key). */
export const vaultObjectJoin = (alias: string, objectIdColumn: string): string => `JOIN vault_objects ${alias} ON ${alias}.id = ${objectIdColumn}`;

/** One object's content facts, shredded or not; undefined when the vault never held it. */
export function objectFacts(db: ReadableDB, objectId: string): { sha256: string; size: number; shreddedAt: string | null } | undefined {
  const row = db.prepare('SELECT sha256, size, shredded_at FROM vault_objects WHERE id = ?').get(objectId) as { sha256: string; size: number; shredded_at: string | null } | undefined;
  return row && { sha256: row.sha256, size: row.size, shreddedAt: row.shredded_at };
}

/**
 * The statement listing the catalogue's objects not shredded, oldest first, as `o`, with `columns`
 * from what `join` adds: a caller's own table rides in the same statement (a restore's queue state).
 */
export function liveObjectsSql(columns: string, join: string): string {
  return `SELECT o.id, ${columns} FROM vault_objects o ${join}
           WHERE o.shredded_at IS NULL ORDER BY o.created_at`;
}
