// Which storage a mount point is, independent of where it happens to be mounted (issue 10 defect 14): the
// file system's UUID (exFAT/FAT: the volume serial number written when the card was formatted). The same
// recorder docked at /media/a today and /media/b tomorrow is one source; its mount path is not its identity.
import { execFile } from 'node:child_process';
import { readdir, readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';

/** The kernel escapes space, tab, newline and backslash in mountinfo as \ooo. */
function unescapeMount(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** The device mounted exactly at `mountPoint` (Linux /proc/self/mountinfo); the last mount there wins. */
export async function mountedDevice(mountPoint: string): Promise<{ device: string; fsType: string } | null> {
  let text: string;
  try {
    text = await readFile('/proc/self/mountinfo', 'utf8');
  } catch {
    return null;
  }
  let found: { device: string; fsType: string } | null = null;
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fields = left.split(' ');
    if (unescapeMount(fields[4] ?? '') !== mountPoint) continue;
    const [fsType, source] = right.split(' ');
    if (fsType && source) found = { device: unescapeMount(source), fsType };
  }
  return found;
}

async function uuidFromUdev(device: string, byUuidDir: string): Promise<string | null> {
  let names: string[];
  try {
    names = await readdir(byUuidDir);
  } catch {
    return null;
  }
  const target = await realpath(device).catch(() => device);
  for (const name of names) {
    if ((await realpath(join(byUuidDir, name)).catch(() => null)) === target) return name;
  }
  return null;
}

function uuidFromBlkid(device: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('blkid', ['-o', 'value', '-s', 'UUID', device], { timeout: 5000, encoding: 'utf8' }, (err, stdout) => {
      const v = err ? '' : stdout.trim();
      resolve(/^[0-9A-Za-z-]{4,64}$/.test(v) ? v : null);
    });
  });
}

/**
 * The file system UUID of the volume mounted at `mountPoint`, or null where it cannot be read (not a block
 * device, no /proc, blkid refused). udev's /dev/disk/by-uuid first; blkid reads the superblock where udev
 * is absent.
 */
export async function volumeUuid(mountPoint: string, options: { byUuidDir?: string } = {}): Promise<string | null> {
  const mounted = await mountedDevice(mountPoint);
  if (!mounted || !mounted.device.startsWith('/dev/')) return null;
  return (await uuidFromUdev(mounted.device, options.byUuidDir ?? '/dev/disk/by-uuid')) ?? (await uuidFromBlkid(mounted.device));
}
