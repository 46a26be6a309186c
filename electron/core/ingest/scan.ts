// Lists everything on a volume or folder so that every entry gets an outcome. Names are kept as the
// raw bytes the file system returned (a recorder or an attacker may write names that are not
// UTF-8, contain control characters or look like '../'); they are only ever joined under the root
// as single path segments, never interpreted. Symbolic links are never followed and the walk never
// leaves the root's file system.
import type { Dir, Dirent, Stats } from 'node:fs';
import { lstat, opendir, readlink } from 'node:fs/promises';
import { isAbsolute, posix } from 'node:path';
import { fromSystemError, type ErrorParams } from '../errors.ts';
import type { EntryType } from '../../shared/events.ts';
export type { EntryType };

export type ScannedEntry = {
  /** Relative to the root, '/'-separated, for display and the catalogue (see displayName). */
  path: string;
  /** Raw name segments, to reopen exactly this entry. */
  segments: Buffer[];
  type: EntryType;
  size: number | null;
  mtimeMs: number | null;
  dev: number;
  ino: number;
  /** Why this entry will not be read; absent for regular files. */
  skip?: { reason: string; params: ErrorParams };
};

const SLASH = Buffer.from('/');

/** Joins raw segments under the root; each segment is one directory entry name (no '/' possible). */
export function entryPath(root: string, segments: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(root.endsWith('/') && root.length > 1 ? root.slice(0, -1) : root)];
  for (const s of segments) parts.push(SLASH, s);
  return Buffer.concat(parts);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A name as text. Valid UTF-8 is kept as it is (control characters included: escaping is the job
 * of whoever prints it); bytes that are not UTF-8 become \xNN so two different names never collapse
 * into one display string.
 */
export function displayName(raw: Buffer): string {
  try {
    return utf8.decode(raw);
  } catch {
    let out = '';
    for (const b of raw) out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
    return out;
  }
}

function typeOf(d: Dirent<Buffer> | Stats): EntryType | 'unknown' {
  if (d.isSymbolicLink()) return 'symlink';
  if (d.isDirectory()) return 'directory';
  if (d.isFile()) return 'file';
  if (d.isFIFO() || d.isSocket() || d.isCharacterDevice() || d.isBlockDevice()) return 'other';
  return 'unknown';
}

function otherKind(st: Stats): string {
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character_device';
  if (st.isBlockDevice()) return 'block_device';
  return 'unknown';
}

export type ScanResult = { entries: ScannedEntry[]; rootDev: number };

/**
 * Walks `root` depth-first, entries sorted by raw name bytes so that a re-scan gives the same
 * order (recorder names sort chronologically). Throws the StationError of fromSystemError only when
 * the root itself cannot be read; anything below becomes an entry with a reason.
 */
export async function scanSource(root: string, options: { signal?: AbortSignal; maxDepth?: number } = {}): Promise<ScanResult> {
  let rootStat: Stats;
  try {
    rootStat = await lstat(root);
  } catch (e) {
    throw fromSystemError(e, root);
  }
  if (!rootStat.isDirectory()) throw fromSystemError(Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }), root);
  const rootDev = rootStat.dev;
  const maxDepth = options.maxDepth ?? 64;
  const entries: ScannedEntry[] = [];
  const walk = async (segments: Buffer[]): Promise<void> => {
    options.signal?.throwIfAborted();
    const dirPath = entryPath(root, segments);
    const names: Buffer[] = [];
    let dir: Dir | undefined;
    try {
      dir = await opendir(dirPath, { encoding: 'buffer' as BufferEncoding });
      for await (const d of dir as AsyncIterable<Dirent>) names.push((d as unknown as Dirent<Buffer>).name);
    } catch (e) {
      // The directory itself became an entry with a reason; its content cannot be listed.
      if (segments.length === 0) throw fromSystemError(e, root);
      const err = fromSystemError(e, displayPath(segments));
      entries.push({ path: displayPath(segments), segments, type: 'directory', size: null, mtimeMs: null, dev: rootDev, ino: 0, skip: { reason: 'ingest.directory_unreadable', params: { cause: err.code } } });
      return;
    }
    names.sort(Buffer.compare);
    for (const name of names) {
      const childSegments = [...segments, name];
      const path = displayPath(childSegments);
      const full = entryPath(root, childSegments);
      let st: Stats;
      try {
        st = await lstat(full);
      } catch (e) {
        const err = fromSystemError(e, path);
        entries.push({ path, segments: childSegments, type: 'other', size: null, mtimeMs: null, dev: rootDev, ino: 0, skip: { reason: 'ingest.entry_unreadable', params: { cause: err.code } } });
        continue;
      }
      const base = { path, segments: childSegments, dev: st.dev, ino: st.ino };
      const type = typeOf(st);
      if (st.dev !== rootDev) {
        // Another file system mounted inside the volume (or the folder): not part of this source.
        entries.push({ ...base, type: type === 'unknown' ? 'other' : type, size: null, mtimeMs: null, skip: { reason: 'ingest.other_filesystem', params: {} } });
        continue;
      }
      switch (type) {
        case 'directory':
          if (childSegments.length > maxDepth) {
            entries.push({ ...base, type, size: null, mtimeMs: null, skip: { reason: 'ingest.too_deep', params: { depth: maxDepth } } });
          } else {
            await walk(childSegments);
          }
          break;
        case 'file':
          entries.push({ ...base, type, size: st.size, mtimeMs: Math.floor(st.mtimeMs) });
          break;
        case 'symlink': {
          let target: string;
          try {
            target = displayName((await readlink(full, { encoding: 'buffer' })) as Buffer);
          } catch {
            target = '?';
          }
          const outside = pointsOutside(segments, target);
          entries.push({
            ...base,
            type,
            size: null,
            mtimeMs: Math.floor(st.mtimeMs),
            skip: { reason: outside ? 'ingest.symlink_outside_source' : 'ingest.symlink_not_followed', params: { target } },
          });
          break;
        }
        default:
          entries.push({ ...base, type: 'other', size: null, mtimeMs: Math.floor(st.mtimeMs), skip: { reason: 'ingest.not_regular_file', params: { kind: otherKind(st) } } });
      }
    }
  };
  await walk([]);
  return { entries, rootDev };
}

/**
 * The identity of an entry within its source: its raw name bytes, '/'-joined, as lowercase hex. Unlike the
 * display path, two different names never share it (issue 10 defect 7).
 */
export function rawPathHex(segments: readonly Buffer[]): string {
  const parts: Buffer[] = [];
  segments.forEach((s, i) => {
    if (i > 0) parts.push(SLASH);
    parts.push(s);
  });
  return Buffer.concat(parts).toString('hex');
}

function displayPath(segments: readonly Buffer[]): string {
  return segments.map(displayName).join('/');
}

/** Lexically: a link whose target leaves the source root. Only for the message; links are never followed. */
function pointsOutside(dirSegments: readonly Buffer[], target: string): boolean {
  if (isAbsolute(target)) return true;
  const resolved = posix.normalize(posix.join('.', ...dirSegments.map(displayName), target));
  return resolved === '..' || resolved.startsWith('../');
}
