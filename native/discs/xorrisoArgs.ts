// xorriso command lines, built as plain argument arrays (no shell). Kept apart from the process
// handling so the exact arguments — the ones that make a disc readable everywhere and checkable
// later — are unit-tested on their own.

/** xorriso's drive address: a real optical drive as is, anything else (an image file) through stdio:. */
export function driveAddress(target: { kind: 'iso'; path: string } | { kind: 'drive'; device: string }): string {
  return target.kind === 'iso' ? `stdio:${target.path}` : target.device;
}

/** ISO 9660 date-time digits (YYYYMMDDhhmmsscc, UTC) for -volume_date. */
export function volumeDate(at: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(at.getUTCFullYear(), 4)}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}${p(at.getUTCHours())}${p(at.getUTCMinutes())}${p(at.getUTCSeconds())}${p(Math.floor(at.getUTCMilliseconds() / 10))}`;
}

/** Settings every run shares: machine-readable messages, UTF-8 names whatever the locale, no globbing. */
export function commonArgs(): string[] {
  return [
    '-abort_on',
    'FAILURE',
    // A content mismatch is SORRY, not FAILURE: still make it a non-zero exit.
    '-return_with',
    'SORRY',
    '32',
    '-report_about',
    'UPDATE',
    '-pkt_output',
    'on',
    // Staged names are UTF-8 (Chinese originals); a C locale must not turn them into '_' on the disc.
    '-local_charset',
    'UTF-8',
    '-charset',
    'UTF-8',
    // File names may contain * ? [ ]: never treat a path as a pattern.
    '-iso_rr_pattern',
    'off',
    '-disk_pattern',
    'off',
  ];
}

export type WriteArgsInput = {
  sourceDir: string;
  target: { kind: 'iso'; path: string } | { kind: 'drive'; device: string };
  volumeId: string;
  createdAt: Date;
};

/**
 * One session, closed: ISO 9660 level 3 (files over 4 GiB as multi-extent files, with
 * -file_size_limit off), Joliet with long names for Windows, Rock Ridge for everything else, and an
 * MD5 of every file recorded on the medium (-md5 on, set before the drive is acquired) so that
 * `xorriso -check_md5` can later prove each file unchanged. Owners and permissions are normalized:
 * the staging folder is private (0700) and that must not make the disc unreadable elsewhere.
 */
export function writeArgs(w: WriteArgsInput): string[] {
  return [
    ...commonArgs(),
    '-md5',
    'on',
    '-file_size_limit',
    'off',
    '--',
    '-outdev',
    driveAddress(w.target),
    '-volid',
    w.volumeId,
    '-volume_date',
    'uuid',
    volumeDate(w.createdAt),
    '-joliet',
    'on',
    '-rockridge',
    'on',
    '-compliance',
    'iso_9660_level=3:joliet_long_names',
    '-map',
    w.sourceDir,
    '/',
    '-find',
    '/',
    '-type',
    'd',
    '-exec',
    'chmod',
    '0555',
    '--',
    '-find',
    '/',
    '-type',
    'f',
    '-exec',
    'chmod',
    '0444',
    '--',
    '-chown_r',
    '0',
    '/',
    '--',
    '-chgrp_r',
    '0',
    '/',
    '--',
    // Write-once media are closed: nothing can be appended to an evidence disc later.
    '-close',
    'on',
    '-commit',
  ];
}

/** Volume id, creation time and every file's extents, in one load of the image tree. */
export function inspectImageArgs(address: string): string[] {
  return [...commonArgs(), '-md5', 'on', '-indev', address, '-pvd_info', '-find', '/', '-type', 'f', '-exec', 'report_lba', '--'];
}

/** Every file's content against the MD5 recorded at write time, read from the medium. */
export function checkMd5Args(address: string): string[] {
  return [...commonArgs(), '-md5', 'on', '-indev', address, '-check_md5_r', 'SORRY', '/', '--'];
}

/** One file's content streamed into file descriptor 3 (read from a real drive, not the page cache). */
export function concatArgs(address: string, isoPath: string): string[] {
  // Copying content out of the image is osirrox's, and off until enabled.
  return [...commonArgs(), '-osirrox', 'on', '-indev', address, '-concat', 'overwrite', '/dev/fd/3', isoPath, '--'];
}

export function devicesArgs(): string[] {
  return [...commonArgs(), '-devices'];
}

/** The loaded medium: status, kind, size and free space. */
export function mediumArgs(address: string): string[] {
  return [...commonArgs(), '-outdev', address, '-toc', '-tell_media_space'];
}

export function ejectArgs(device: string): string[] {
  return [...commonArgs(), '-outdev', device, '-eject', 'all'];
}
