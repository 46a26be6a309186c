// A full data disk shows up in many shapes: ENOSPC from a file write, SQLITE_FULL from a commit, and
// SQLITE_IOERR_* when SQLite cannot grow its WAL or its shared-memory index (-shm). Users must see one
// translated "disk is full" (io.disk_full), never "Internal error" (issue 10 defect 12).
import { statfsSync } from 'node:fs';
import { fromSystemError, isStationError, StationError } from './errors.ts';

// Below this much free space a failing SQLite write is a full disk, not a broken one: a WAL frame is a
// page (4 KiB) plus header, and the -shm index grows in 32 KiB steps.
const NEARLY_FULL_BYTES = 256 * 1024;

function freeBytes(dir: string): number | null {
  try {
    const st = statfsSync(dir);
    return st.bavail * st.bsize;
  } catch {
    return null;
  }
}

/**
 * The StationError a storage failure in `dataDir` means, or null when `e` is not one. SQLite's disk I/O
 * errors are only called a full disk when the disk is in fact (nearly) full; otherwise they stay an I/O
 * failure with SQLite's code, so a failing disk is not misreported as a full one.
 */
export function storageError(e: unknown, dataDir: string): StationError | null {
  if (isStationError(e)) return null;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (code === 'ENOSPC' || code === 'EDQUOT') return fromSystemError(e, dataDir);
  if (code === 'SQLITE_FULL') return new StationError('io', 'io.disk_full', { path: dataDir }, { cause: e });
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN') {
    const free = freeBytes(dataDir);
    if (free !== null && free < NEARLY_FULL_BYTES) return new StationError('io', 'io.disk_full', { path: dataDir }, { cause: e });
    return new StationError('io', 'io.failed', { path: dataDir, code }, { cause: e });
  }
  return null;
}

// What a commit may need beyond the data itself: WAL frames (a page each, plus header) and a new 32 KiB
// region of the -shm index.
const ROOM_FOR_A_COMMIT = 512 * 1024;

/**
 * Refuses a write transaction when the data disk has no room for it. SQLite keeps its WAL index (-shm) in a
 * memory-mapped file; on a file system whose blocks are smaller than a memory page that file may be sparse,
 * and a store into an unallocated block of a full disk is a SIGBUS that kills the process instead of an
 * error. Failing early with io.disk_full keeps SQLite away from that edge.
 */
export function assertRoomToWrite(dataDir: string): void {
  const free = freeBytes(dataDir);
  if (free !== null && free < ROOM_FOR_A_COMMIT) throw new StationError('io', 'io.disk_full', { path: dataDir });
}
