import crypto from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson } from './canonicalJson.ts';

// The ledger head record: the last tree this station wrote and the largest checkpoint it signed
// or saw, kept OUTSIDE station.db (in the data folder beside it) so that restoring an older
// database file does not bring an older head along, and authenticated with a key derived from the
// vault master key so that nobody without the station passphrase can write one the station would
// accept. See README.md in this folder.

export const HEAD_FILE = 'ledger-head.json';
const FORMAT = 'evidence-station/ledger-head/1';
const MAC_LABEL = 'evidence-station ledger head v1';

export type SignedCheckpointRef = { size: number; root: string; note: string };

export type HeadRecord = {
  format: typeof FORMAT;
  /** base64 Ed25519 public key of the station that wrote it. */
  publicKey: string;
  /** The tree the station last wrote: its size, root and perfect-subtree roots (MerkleAccumulator). */
  size: number;
  root: string;
  frontier: string[];
  /** The largest checkpoint this station signed. */
  checkpoint: SignedCheckpointRef | null;
  /** The largest signed checkpoint found on a package or disc that the ledger did not contain. */
  seen: SignedCheckpointRef | null;
  /** The latest time the ledger recorded: the floor of the station's clock. */
  lastTime: string;
  writtenAt: string;
};

export type HeadRead =
  | { state: 'missing' }
  | { state: 'invalid'; reason: string }
  | { state: 'ok'; record: HeadRecord; authenticated: boolean };

/** HKDF-SHA256 of the unlocked master key with a label of its own: a key for nothing else. */
export function headMacKey(masterKey: Buffer): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', masterKey, Buffer.alloc(0), MAC_LABEL, 32));
}

function mac(key: Buffer, record: HeadRecord): string {
  return crypto.createHmac('sha256', key).update(canonicalJson(record as unknown as Record<string, unknown>)).digest('hex');
}

const isHex64 = (s: unknown): s is string => typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);
const isSize = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

function isRef(v: unknown): v is SignedCheckpointRef | null {
  if (v === null) return true;
  if (typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return isSize(r.size) && isHex64(r.root) && typeof r.note === 'string';
}

function isRecord(v: unknown): v is HeadRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    r.format === FORMAT &&
    typeof r.publicKey === 'string' &&
    isSize(r.size) &&
    isHex64(r.root) &&
    Array.isArray(r.frontier) &&
    r.frontier.every(isHex64) &&
    isRef(r.checkpoint) &&
    isRef(r.seen) &&
    typeof r.lastTime === 'string' &&
    typeof r.writtenAt === 'string'
  );
}

export function headPath(dataDir: string): string {
  return join(dataDir, HEAD_FILE);
}

/**
 * Reads the head record. With a MAC key the record is authenticated (a wrong MAC is 'invalid');
 * without one (station locked) only its shape is checked, and callers may trust no more of it
 * than its signed checkpoint notes.
 */
export function readHead(dataDir: string, macKey: Buffer | null): HeadRead {
  let text: string;
  try {
    text = readFileSync(headPath(dataDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    return { state: 'invalid', reason: 'unreadable' };
  }
  let parsed: { record?: unknown; mac?: unknown };
  try {
    parsed = JSON.parse(text) as { record?: unknown; mac?: unknown };
  } catch {
    return { state: 'invalid', reason: 'format' };
  }
  if (!isRecord(parsed?.record) || typeof parsed.mac !== 'string' || !/^[0-9a-f]{64}$/.test(parsed.mac)) return { state: 'invalid', reason: 'format' };
  const record = parsed.record;
  if (!macKey) return { state: 'ok', record, authenticated: false };
  const want = Buffer.from(mac(macKey, record), 'hex');
  if (!crypto.timingSafeEqual(want, Buffer.from(parsed.mac, 'hex'))) return { state: 'invalid', reason: 'mac' };
  return { state: 'ok', record, authenticated: true };
}

export function newHeadRecord(fields: Omit<HeadRecord, 'format'>): HeadRecord {
  return { format: FORMAT, ...fields };
}

function headText(record: HeadRecord, macKey: Buffer): string {
  return `${JSON.stringify({ record, mac: mac(macKey, record) }, null, 1)}\n`;
}

// Every write of a head file in this process takes the next number; an asynchronous write renames its
// temp file into place only if no write of the same file started after it. Writes start in the order
// the ledger grows, so a later one always carries the newer (or the same) tree: this is what keeps an
// asynchronous write that is still waiting for its fsync from ever moving the head back over a newer one.
const started = new Map<string, number>();
let tempSeq = 0;

function nextWrite(final: string): number {
  const n = (started.get(final) ?? 0) + 1;
  started.set(final, n);
  return n;
}

/**
 * Whole or not at all, and on disk before it counts: temp file → fsync → rename → fsync the
 * directory. A power cut leaves the old record or the new one, never half of one.
 */
export function writeHead(dataDir: string, record: HeadRecord, macKey: Buffer): void {
  const final = headPath(dataDir);
  nextWrite(final);
  const tmp = `${final}.${process.pid}.tmp`;
  const text = headText(record, macKey);
  try {
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, final);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDir(dataDir);
}

export type AsyncHeadWrite = 'written' | 'superseded' | 'refused';

/**
 * writeHead with its waits off the calling thread (issue 16, target 7: the thread that serves the UI). The
 * temp file's write and fsync and the directory's fsync run in libuv's thread pool: each fsync of a small file
 * on ext4 forces a journal commit, which waits behind every other file's data being written back — during an
 * ingest that is the vault's objects, tens of milliseconds on a busy disk. Same guarantees as writeHead: the
 * record is written whole to a temp file and fsynced before the rename, the folder is fsynced after it.
 *
 * The rename itself stays synchronous (one metadata operation, microseconds) because that is where the order
 * is decided; at that point, and only then, the temp file replaces the head if
 * - no other write of this head started in this process after this one (a later one carries a newer tree:
 *   'superseded', the temp file is removed), and
 * - the caller still wants it (`mayRename`: still unlocked, no alarm raised meanwhile — the head is then the
 *   evidence), and
 * - the head on disk is still one this record may replace: authentic and not larger than this record (another
 *   process — `station watch` beside the app — may have written a newer one meanwhile: 'superseded').
 * Anything else (a record that turned invalid or vanished, an alarm, a lock) leaves the file untouched:
 * 'refused', and the caller's next synchronous check raises the alarm if there is one. So this never creates
 * a head record: the first one is written synchronously.
 * Resolves once the folder is fsynced ('written'); rejects on an I/O error (a full disk), with nothing left behind.
 */
export async function writeHeadAsync(dataDir: string, record: HeadRecord, macKey: Buffer, options: { mayRename: () => boolean }): Promise<AsyncHeadWrite> {
  const final = headPath(dataDir);
  const mine = nextWrite(final);
  // Unique per write: a synchronous writeHead (at lock) or a second asynchronous one may run meanwhile.
  const tmp = `${final}.${process.pid}.${++tempSeq}.tmp`;
  const text = headText(record, macKey);
  try {
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (started.get(final) !== mine) {
      await rm(tmp, { force: true });
      return 'superseded';
    }
    // Checked last, with the rename right after it in the same turn of the event loop.
    const now = options.mayRename() ? readHead(dataDir, macKey) : null;
    if (now?.state !== 'ok' || now.record.size > record.size) {
      await rm(tmp, { force: true });
      return now?.state === 'ok' ? 'superseded' : 'refused';
    }
    renameSync(tmp, final);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
  await fsyncDirAsync(dataDir);
  return 'written';
}

async function fsyncDirAsync(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
  } catch {
    // As fsyncDir: Windows cannot open a directory for fsync.
    return;
  }
  try {
    await fh.sync();
  } catch {
    // As fsyncDir: some FUSE and network file systems do not implement fsync on directories.
  } finally {
    await fh.close();
  }
}

function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    // Windows cannot open a directory for fsync; NTFS journals the rename itself.
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Some FUSE and network file systems do not implement fsync on directories.
  } finally {
    closeSync(fd);
  }
}
