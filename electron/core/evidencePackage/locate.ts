import { open, readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StationError, fromSystemError } from '../errors.ts';
import { PATHS } from './format.ts';

/** Names only a package folder has: with none of them a folder is not a package, and never "tampered". */
const PACKAGE_NAMES: string[] = [PATHS.manifest, PATHS.manifestSignature, PATHS.sums, PATHS.files, 'LEDGER'];

/** Whether a listing (top-level names, or '/'-separated paths) has anything of a package at all. */
export function looksLikePackage(paths: string[]): boolean {
  return paths.some((p) => PACKAGE_NAMES.includes(p.replace(/^\/+/, '').split('/')[0]!));
}

/** ISO 9660: the primary volume descriptor at sector 16 starts with type 1 and "CD001". */
async function isIsoImage(path: string): Promise<boolean> {
  const h = await open(path, 'r');
  try {
    const buf = Buffer.alloc(6);
    const { bytesRead } = await h.read(buf, 0, 6, 16 * 2048);
    return bytesRead === 6 && buf.subarray(1, 6).toString('latin1') === 'CD001';
  } finally {
    await h.close();
  }
}

/**
 * What the recipient handed `disc verify`: a package folder (an export, a mounted or extracted
 * disc) or a disc image. A path that does not exist or is neither is a usage error with what to
 * give instead — a recipient must never read a typo as a failed verification of the evidence.
 */
export async function packageKind(input: string): Promise<{ kind: 'folder' | 'image'; path: string }> {
  const path = resolve(input);
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new StationError('input', 'package.not_found', { path });
    throw fromSystemError(e, path);
  }
  try {
    if (st.isDirectory()) {
      const names = await readdir(path);
      if (!looksLikePackage(names)) throw new StationError('input', 'package.not_a_package', { path });
      return { kind: 'folder', path };
    }
    // A disc in a drive given by its device (/dev/sr0) is an image too, read the same way.
    if ((st.isFile() || st.isBlockDevice()) && (await isIsoImage(path))) return { kind: 'image', path };
  } catch (e) {
    throw e instanceof StationError ? e : fromSystemError(e, path);
  }
  throw new StationError('input', 'package.not_a_package', { path });
}
