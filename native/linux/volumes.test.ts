import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, rmdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MountedVolume } from '../../electron/core/devices/ports.ts';
import { LinuxVolumeWatcher } from './volumes.ts';
import { decodeUdevLabel } from './labels.ts';
import { addFakeLoop, addFakeUsbDevice } from '../testing/fakeSysfs.ts';
import type { NativeReport } from '../report.ts';

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function tryRun(cmd: string, args: string[]): string | null {
  try {
    sh(cmd, args);
    return null;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    return (err.stderr || err.message).trim().split('\n')[0] ?? 'failed';
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 8000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function recorder(): { mounted: MountedVolume[]; unmounted: MountedVolume[]; listener: { mounted(v: MountedVolume): void; unmounted(v: MountedVolume): void } } {
  const mounted: MountedVolume[] = [];
  const unmounted: MountedVolume[] = [];
  return { mounted, unmounted, listener: { mounted: (v) => mounted.push(v), unmounted: (v) => unmounted.push(v) } };
}

describe('LinuxVolumeWatcher on a crafted mountinfo and sysfs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'es-vol-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports USB volumes with identity and label, drops a non-USB vfat outside the media roots', async () => {
    const sys = join(dir, 'sys');
    await addFakeUsbDevice(sys, {
      name: '1-2',
      vendorId: '0525',
      productId: 'a4a5',
      serial: 'ZFY0012345',
      disks: [{ name: 'sdb', major: 8, minor: 16, partitions: [{ name: 'sdb1', minor: 17 }] }],
    });
    await addFakeLoop(sys, 'loop0', 0);
    const byLabel = join(dir, 'by-label');
    await mkdir(byLabel);
    // udev's escaping of "REC 01"; the link dangles here (no /dev/sdb1 on this machine).
    await symlink('/dev/sdb1', join(byLabel, 'REC\\x2001'));
    const mountinfo = join(dir, 'mountinfo');
    await writeFile(
      mountinfo,
      [
        '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
        '30 27 259:1 / /boot/efi rw,relatime - vfat /dev/nvme0n1p1 rw',
        // Mounted outside the media roots, but on USB: still a docked recorder.
        '41 27 8:17 / /srv/dock/REC\\04001 rw,relatime - vfat /dev/sdb1 rw',
        '42 27 7:0 / /mnt/x rw,relatime - fuseblk /dev/loop0 rw',
      ].join('\n') + '\n',
    );
    const w = new LinuxVolumeWatcher({ mountInfoPath: mountinfo, sysRoot: sys, byLabelDir: byLabel, useBlkid: false });
    const vols = await w.current();
    expect(vols).toEqual([
      {
        mountPoint: '/srv/dock/REC 01',
        device: '/dev/sdb1',
        fsType: 'vfat',
        label: 'REC 01',
        usb: {
          vendorId: 0x0525,
          productId: 0xa4a5,
          serialNumber: 'ZFY0012345',
          manufacturer: null,
          product: null,
          portPath: join(sys, 'bus/usb/devices/1-2'),
        },
      },
      { mountPoint: '/mnt/x', device: '/dev/loop0', fsType: 'fuseblk', label: null, usb: null },
    ]);
  });

  it('decodes udev label escapes, including UTF-8 bytes', () => {
    expect(decodeUdevLabel('REC\\x2001')).toBe('REC 01');
    expect(decodeUdevLabel('\\xe8\\xaf\\x81\\xe6\\x8d\\xae')).toBe('证据');
    expect(decodeUdevLabel('证据')).toBe('证据');
  });

  it('reports changes of a rewritten mountinfo, and a throwing listener does not stop it', async () => {
    const mountinfo = join(dir, 'mountinfo2');
    const base = '27 1 254:0 / / rw - ext4 /dev/vda rw\n';
    await writeFile(mountinfo, base);
    const reports: NativeReport[] = [];
    const w = new LinuxVolumeWatcher({
      mountInfoPath: mountinfo,
      sysRoot: join(dir, 'empty-sys'),
      useBlkid: false,
      mountRoots: [{ path: '/mnt', depth: 0 }],
      pollIntervalMs: 50,
      report: (r) => reports.push(r),
    });
    const rec = recorder();
    let throws = true;
    const stop = await w.watch({
      mounted: (v) => {
        if (throws) {
          throws = false;
          throw new Error('listener bug');
        }
        rec.listener.mounted(v);
      },
      unmounted: rec.listener.unmounted,
    });
    try {
      await writeFile(mountinfo, base + '50 27 7:1 / /mnt/a rw - fuseblk /dev/loop1 rw\n');
      await waitFor('the first report', () => reports.find((r) => r.code === 'listener.failed'));
      await writeFile(mountinfo, base + '50 27 7:1 / /mnt/a rw - fuseblk /dev/loop1 rw\n51 27 7:2 / /mnt/b rw - exfat /dev/loop2 rw\n');
      const b = await waitFor('/mnt/b', () => rec.mounted.find((v) => v.mountPoint === '/mnt/b'));
      expect(b.fsType).toBe('exfat');
      await writeFile(mountinfo, base);
      await waitFor('both unmounted', () => (rec.unmounted.length === 2 ? true : undefined));
      expect(rec.unmounted.map((v) => v.mountPoint).sort()).toEqual(['/mnt/a', '/mnt/b']);
    } finally {
      await stop();
    }
  });
});

// Real mounts: tmpfs (always possible as root) and exFAT on a loop device through FUSE, which is
// how a docked recorder looks on the stations' Linux. Each test says why it skips where it can't run.
const isRoot = process.getuid?.() === 0;
const parent = `/mnt/es-test-${process.pid}-${Date.now().toString(36)}`;
let tmpfsSkip: string | null = null;
let exfatSkip: string | null = null;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  if (!isRoot) {
    tmpfsSkip = exfatSkip = 'not root: cannot mount';
    return;
  }
  await mkdir(parent, { recursive: true });
  cleanups.push(() => void tryRun('rmdir', [parent]));
  const probe = join(parent, 'probe');
  await mkdir(probe);
  tmpfsSkip = tryRun('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]);
  if (!tmpfsSkip) tryRun('umount', [probe]);
  await rmdir(probe);
  for (const tool of ['losetup', 'mkfs.exfat', 'mount.exfat-fuse']) {
    if (tryRun('sh', ['-c', `command -v ${tool}`]) !== null) exfatSkip ??= `${tool} not installed (apt-get install exfatprogs exfat-fuse)`;
  }
  if (!existsSync('/dev/fuse')) exfatSkip ??= '/dev/fuse missing';
  exfatSkip ??= tryRun('losetup', ['-f']);
});

afterAll(() => {
  for (const c of cleanups.reverse()) c();
});

describe('LinuxVolumeWatcher on real mounts', () => {
  it('sees a tmpfs mounted and unmounted under a media root (mountinfo poll)', async (ctx) => {
    if (tmpfsSkip) return ctx.skip(`tmpfs mount unavailable: ${tmpfsSkip}`);
    const mp = join(parent, 'poll vol');
    await mkdir(mp);
    cleanups.push(() => {
      tryRun('umount', ['-l', mp]);
      tryRun('rmdir', [mp]);
    });
    const w = new LinuxVolumeWatcher({ fsTypes: ['tmpfs'], mountRoots: [{ path: parent, depth: 0 }], pollIntervalMs: 200, useBlkid: false });
    const rec = recorder();
    const stop = await w.watch(rec.listener);
    try {
      sh('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mp]);
      const v = await waitFor('tmpfs mounted', () => rec.mounted.find((x) => x.mountPoint === mp));
      // The space in the path arrived as \040 in mountinfo.
      expect(v).toEqual({ mountPoint: mp, device: 'tmpfs', fsType: 'tmpfs', label: null, usb: null });
      expect((await w.current()).map((x) => x.mountPoint)).toContain(mp);
      sh('umount', [mp]);
      await waitFor('tmpfs unmounted', () => rec.unmounted.find((x) => x.mountPoint === mp));
      expect((await w.current()).map((x) => x.mountPoint)).not.toContain(mp);
    } finally {
      await stop();
    }
  });

  it('sees a mount whose directory appears under a root through chokidar alone (no poll)', async (ctx) => {
    if (tmpfsSkip) return ctx.skip(`tmpfs mount unavailable: ${tmpfsSkip}`);
    const mp = join(parent, 'udisks-like');
    cleanups.push(() => {
      tryRun('umount', ['-l', mp]);
      tryRun('rmdir', [mp]);
    });
    const w = new LinuxVolumeWatcher({ fsTypes: ['tmpfs'], mountRoots: [{ path: parent, depth: 0 }], pollIntervalMs: 0, useBlkid: false });
    const rec = recorder();
    const stop = await w.watch(rec.listener);
    try {
      // As udisks does: create the directory, then mount on it; then unmount and remove it.
      await mkdir(mp);
      sh('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mp]);
      await waitFor('mounted via chokidar', () => rec.mounted.find((x) => x.mountPoint === mp));
      sh('umount', [mp]);
      await rmdir(mp);
      await waitFor('unmounted via chokidar', () => rec.unmounted.find((x) => x.mountPoint === mp));
    } finally {
      await stop();
    }
  });

  it('sees an exFAT volume on a loop device through FUSE as fuseblk, with its label and no USB', async (ctx) => {
    if (exfatSkip) return ctx.skip(`exFAT loop mount unavailable: ${exfatSkip}`);
    const img = join(await mkdtemp(join(tmpdir(), 'es-img-')), 'recorder.img');
    cleanups.push(() => void tryRun('rm', ['-rf', join(img, '..')]));
    sh('truncate', ['-s', '32M', img]);
    const loop = sh('losetup', ['-f', '--show', img]).trim();
    cleanups.push(() => void tryRun('losetup', ['-d', loop]));
    sh('mkfs.exfat', ['-L', 'REC 01', loop]);
    const mp = join(parent, 'REC 01');
    await mkdir(mp);
    cleanups.push(() => {
      tryRun('umount', ['-l', mp]);
      tryRun('rmdir', [mp]);
    });
    // Default file-system types: exactly what the station runs with.
    const w = new LinuxVolumeWatcher({ mountRoots: [{ path: parent, depth: 0 }], pollIntervalMs: 200 });
    const rec = recorder();
    const stop = await w.watch(rec.listener);
    try {
      sh('mount.exfat-fuse', [loop, mp]);
      const v = await waitFor('exFAT mounted', () => rec.mounted.find((x) => x.mountPoint === mp));
      expect(v).toEqual({ mountPoint: mp, device: loop, fsType: 'fuseblk', label: 'REC 01', usb: null });
      sh('umount', [mp]);
      await waitFor('exFAT unmounted', () => rec.unmounted.find((x) => x.mountPoint === mp));
    } finally {
      await stop();
    }
  });
});
