// A volume's label is what the custodian sees on the recorder's screen and in the file manager, so
// the station shows it too. udev publishes labels as /dev/disk/by-label symlinks; where udev is
// absent (containers, minimal stations) blkid reads the label from the file system's superblock.
import { execFile } from 'node:child_process';
import { readdir, readlink, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const DEFAULT_BY_LABEL_DIR = '/dev/disk/by-label';

/** udev writes unsafe label bytes (space, slash, non-ASCII in older versions) as \xNN. */
export function decodeUdevLabel(name: string): string {
  if (!name.includes('\\x')) return name;
  const bytes: number[] = [];
  for (let i = 0; i < name.length; ) {
    const m = /^\\x([0-9a-fA-F]{2})/.exec(name.slice(i));
    if (m) {
      bytes.push(parseInt(m[1]!, 16));
      i += 4;
    } else {
      const cp = name.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(ch, 'utf8'));
      i += ch.length;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The label whose by-label link resolves to `device`, or null. */
export async function labelFromByLabel(device: string, byLabelDir: string = DEFAULT_BY_LABEL_DIR): Promise<string | null> {
  let names: string[];
  try {
    names = await readdir(byLabelDir);
  } catch {
    return null;
  }
  const want = await realpath(device).catch(() => device);
  for (const name of names) {
    const link = join(byLabelDir, name);
    // A link whose device node is already gone (unplugged) is compared by its text.
    const target = await realpath(link).catch(() =>
      readlink(link).then(
        (t) => resolve(byLabelDir, t),
        () => null,
      ),
    );
    if (target === want) return decodeUdevLabel(name);
  }
  return null;
}

/** blkid's answer for the LABEL tag; null when blkid is missing, refuses, or finds no label. */
export function labelFromBlkid(device: string, timeoutMs = 3000): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('blkid', ['-o', 'value', '-s', 'LABEL', device], { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout) => {
      if (err) return resolve(null);
      const label = stdout.replace(/\n$/, '');
      resolve(label === '' ? null : label);
    });
  });
}
