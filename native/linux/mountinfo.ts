// /proc/self/mountinfo, as proc(5) documents it:
//   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//   (1)(2) (3)   (4)   (5)      (6)      (7)   (8) (9)    (10)         (11)
// (7) is zero or more optional fields ended by the "-" separator (8). The kernel writes paths with
// space, tab, newline and backslash as three-digit octal escapes (\040 \011 \012 \134), so a
// recorder labelled "REC 01" mounts at /media/u/REC\04001 in this file.

export type MountInfoEntry = {
  mountId: number;
  parentId: number;
  major: number;
  minor: number;
  /** The directory of the file system that forms this mount's root: "/" unless a bind of a subtree. */
  root: string;
  mountPoint: string;
  mountOptions: string;
  optionalFields: string[];
  fsType: string;
  /** The mount source: /dev/sdb1, /dev/loop3 for FUSE block file systems, "none", "tmpfs" … */
  source: string;
  superOptions: string;
};

/** Undoes the kernel's octal escaping; works on bytes so a UTF-8 name around an escape survives. */
export function unescapeMountField(field: string): string {
  if (!field.includes('\\')) return field;
  const input = Buffer.from(field, 'utf8');
  const out = Buffer.alloc(input.length);
  let o = 0;
  for (let i = 0; i < input.length; i++) {
    const b = input[i]!;
    if (b === 0x5c && i + 3 < input.length && isOctal(input[i + 1]) && isOctal(input[i + 2]) && isOctal(input[i + 3])) {
      const value = (input[i + 1]! - 0x30) * 64 + (input[i + 2]! - 0x30) * 8 + (input[i + 3]! - 0x30);
      if (value <= 0xff) {
        out[o++] = value;
        i += 3;
        continue;
      }
    }
    out[o++] = b;
  }
  return out.subarray(0, o).toString('utf8');
}

function isOctal(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x37;
}

/** Parses one line; null when the line does not have the documented shape. */
export function parseMountInfoLine(line: string): MountInfoEntry | null {
  const fields = line.trim().split(' ');
  const sep = fields.indexOf('-', 6);
  if (sep < 6 || fields.length < sep + 4) return null;
  const [idText, parentText, devText, root, mountPoint, mountOptions] = fields;
  const mountId = Number(idText);
  const parentId = Number(parentText);
  const dev = /^(\d+):(\d+)$/.exec(devText ?? '');
  if (!Number.isInteger(mountId) || !Number.isInteger(parentId) || !dev || root === undefined || mountPoint === undefined) return null;
  return {
    mountId,
    parentId,
    major: Number(dev[1]),
    minor: Number(dev[2]),
    root: unescapeMountField(root),
    mountPoint: unescapeMountField(mountPoint),
    mountOptions: mountOptions ?? '',
    optionalFields: fields.slice(6, sep),
    fsType: fields[sep + 1]!,
    source: unescapeMountField(fields[sep + 2]!),
    // Super options never contain spaces, but rejoin in case a future kernel writes one.
    superOptions: fields.slice(sep + 3).join(' '),
  };
}

/** Parses the whole file; lines that do not parse are skipped, not fatal (the file is the kernel's). */
export function parseMountInfo(text: string): MountInfoEntry[] {
  const entries: MountInfoEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const entry = parseMountInfoLine(line);
    if (entry) entries.push(entry);
  }
  return entries;
}

/**
 * File systems a body-worn recorder's storage plausibly uses. exFAT through FUSE (exfat-fuse) and
 * NTFS through ntfs-3g both show as `fuseblk`. Optical discs (iso9660, udf) are deliberately absent:
 * they are the station's own output, never a recorder.
 */
export const REMOVABLE_FS_TYPES: readonly string[] = ['vfat', 'msdos', 'exfat', 'ntfs', 'ntfs3', 'fuseblk'];

/** Directories where desktops (udisks: /media/$USER, /run/media/$USER) and admins (/mnt) mount media. */
export const DEFAULT_MOUNT_ROOTS: readonly string[] = ['/media', '/run/media', '/mnt'];

export function isUnder(path: string, root: string): boolean {
  const r = root.endsWith('/') ? root.slice(0, -1) : root;
  return path === r || path.startsWith(r + '/');
}

/**
 * The mounts that are whole file systems of an interesting type, one per block device. A bind mount
 * of a subtree (root ≠ "/") is not a volume, and a second mount of the same device (a bind of the
 * whole file system) would make the station ingest the same recorder twice, so only the first
 * mount of each device in file order is kept (the kernel lists a namespace's mounts in the order
 * they were made; mount ids are reused, so they are no guide).
 */
export function volumeCandidates(entries: readonly MountInfoEntry[], fsTypes: readonly string[] = REMOVABLE_FS_TYPES): MountInfoEntry[] {
  const wanted = new Set(fsTypes);
  const byDevice = new Map<string, MountInfoEntry>();
  for (const e of entries) {
    if (!wanted.has(e.fsType) || e.root !== '/') continue;
    // Anonymous devices (major 0: tmpfs, plain FUSE) have no block device to share, so the mount
    // itself is the identity.
    const key = e.major === 0 ? `anon:${e.mountId}` : `${e.major}:${e.minor}`;
    if (!byDevice.has(key)) byDevice.set(key, e);
  }
  return [...byDevice.values()];
}
