import crypto from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
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

/**
 * Whole or not at all, and on disk before it counts: temp file → fsync → rename → fsync the
 * directory. A power cut leaves the old record or the new one, never half of one.
 */
export function writeHead(dataDir: string, record: HeadRecord, macKey: Buffer): void {
  const final = headPath(dataDir);
  const tmp = `${final}.${process.pid}.tmp`;
  const text = `${JSON.stringify({ record, mac: mac(macKey, record) }, null, 1)}\n`;
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
