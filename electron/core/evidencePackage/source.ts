import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { sha256File } from './hashing.ts';

/**
 * Where a package is read from. A folder (an export, a mounted or extracted disc) is the usual
 * case; a burned disc is also read through its writer's medium reader, so the station checks
 * the bytes on the medium itself rather than a copy of them.
 */
export interface PackageSource {
  /** Shown in messages: a folder, an image file, a device. */
  readonly location: string;
  /** Every regular file (or symlink), '/'-separated, relative to the package root, sorted. */
  list(): Promise<string[]>;
  /** A small file's bytes (manifest, signature, proofs); null when it is absent or unreadable. */
  read(path: string): Promise<Buffer | null>;
  /** SHA-256 of a file's content as read from the source; null when it is absent or unreadable. */
  hash(path: string, onBytes?: (n: number) => void): Promise<{ sha256: string; size: number } | null>;
}

export function folderSource(root: string): PackageSource {
  return {
    location: root,
    async list() {
      const out: string[] = [];
      for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
        if (entry.isFile() || entry.isSymbolicLink()) out.push(relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
      }
      return out.sort();
    },
    async read(path) {
      try {
        return await readFile(join(root, path));
      } catch {
        return null;
      }
    },
    async hash(path, onBytes) {
      try {
        if (!(await stat(join(root, path))).isFile()) return null;
        return await sha256File(join(root, path), onBytes);
      } catch {
        return null;
      }
    },
  };
}
