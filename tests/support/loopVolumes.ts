// Real removable volumes for the ingest tests: an exFAT image on a loop device mounted through FUSE
// (the kernel here has no exfat driver; it appears as `fuseblk` in /proc/self/mountinfo, as a
// docked recorder does), and small ext4 images to fill up. Everything made is torn down by
// cleanup(), which tests call in afterAll whatever happened.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

let capability: { ok: true } | { ok: false; reason: string } | null = null;

/**
 * Whether this machine can loop-mount exFAT through FUSE. Checked by doing it once with a tiny
 * image, so a sandbox that has the tools but forbids loop devices is found out here.
 */
export function loopExfatCapability(): { ok: true } | { ok: false; reason: string } {
  if (capability) return capability;
  const missing = ['losetup', 'mkfs.exfat', 'mount.exfat-fuse', 'umount'].filter((c) => !has(c));
  if (process.platform !== 'linux') capability = { ok: false, reason: `not Linux (${process.platform})` };
  else if (process.getuid?.() !== 0) capability = { ok: false, reason: 'loop devices and mounts need root' };
  else if (missing.length) capability = { ok: false, reason: `missing ${missing.join(', ')} (apt-get install exfatprogs exfat-fuse)` };
  else if (!existsSync('/dev/fuse')) capability = { ok: false, reason: 'no /dev/fuse' };
  else {
    const probe = new Volumes();
    try {
      const v = probe.exfat({ sizeMiB: 8, name: 'probe' });
      v.mount();
      writeFileSync(join(v.mountPoint, 'x'), 'x');
      v.unmountSync();
      capability = { ok: true };
    } catch (e) {
      capability = { ok: false, reason: `cannot loop-mount exFAT here: ${(e as Error).message.split('\n')[0]}` };
    } finally {
      probe.cleanup();
    }
  }
  return capability;
}

export class LoopVolume {
  readonly image: string;
  readonly mountPoint: string;
  readonly fs: 'exfat' | 'ext4';
  device: string | null = null;
  mounted = false;

  constructor(image: string, mountPoint: string, fs: 'exfat' | 'ext4') {
    this.image = image;
    this.mountPoint = mountPoint;
    this.fs = fs;
  }

  mount(at: string = this.mountPoint): void {
    if (this.mounted) return;
    mkdirSync(at, { recursive: true });
    this.device ??= run('losetup', ['-f', '--show', this.image]).trim();
    if (this.fs === 'exfat') run('mount.exfat-fuse', [this.device, at]);
    else run('mount', [this.device, at]);
    this.mounted = true;
    this.mountedAt = at;
  }

  private mountedAt: string | null = null;

  /**
   * Fills the volume before it is "docked": mounted outside the watched mount root, so the station
   * sees it only complete (as a recorder arrives), and unmounted again so no page cache of these
   * files survives — later reads go through the FUSE daemon, as from a real device.
   */
  prepare(fill: (root: string) => void): void {
    const staging = `${this.image}.staging`;
    this.mount(staging);
    try {
      fill(staging);
      spawnSync('sync');
    } finally {
      this.unmountSync();
    }
  }

  /**
   * Pulls the recorder out mid-read: `umount -f` aborts the FUSE connection, so every read in
   * flight or after fails (ENOTCONN) exactly as with an unplugged USB device. Synchronous, so a
   * test can call it from inside a progress event, between two reads. The dead mount stays until
   * unmount().
   */
  abortConnection(): void {
    spawnSync('umount', ['-f', this.mountedAt ?? this.mountPoint]);
  }

  /** Unmounts, waiting (without blocking the event loop) while a reader still closes its handle. */
  async unmount(): Promise<void> {
    if (!this.mounted) return;
    const at = this.mountedAt ?? this.mountPoint;
    for (let i = 0; ; i++) {
      if (spawnSync('umount', [at]).status === 0) break;
      if (i >= 100) {
        spawnSync('umount', ['-l', at]);
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    this.mounted = false;
  }

  unmountSync(): void {
    if (!this.mounted) return;
    const at = this.mountedAt ?? this.mountPoint;
    if (spawnSync('umount', [at]).status !== 0) spawnSync('umount', ['-l', at]);
    this.mounted = false;
  }

  detach(): void {
    this.unmountSync();
    if (this.device) spawnSync('losetup', ['-d', this.device]);
    this.device = null;
  }
}

/** A set of loop volumes under one temp folder, torn down together. */
export class Volumes {
  readonly dir: string;
  private readonly made: LoopVolume[] = [];

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'station-vol-'));
  }

  /** The folder the mount points are made in (give it to the volume watcher as a mount root). */
  get mountRoot(): string {
    const root = join(this.dir, 'media');
    mkdirSync(root, { recursive: true });
    return root;
  }

  exfat(options: { sizeMiB: number; name: string; label?: string }): LoopVolume {
    const image = join(this.dir, `${options.name}.img`);
    run('truncate', ['-s', `${options.sizeMiB}M`, image]);
    run('mkfs.exfat', [...(options.label ? ['-L', options.label] : []), image]);
    const v = new LoopVolume(image, join(this.mountRoot, options.name), 'exfat');
    this.made.push(v);
    return v;
  }

  ext4(options: { sizeMiB: number; name: string }): LoopVolume {
    const image = join(this.dir, `${options.name}.img`);
    run('truncate', ['-s', `${options.sizeMiB}M`, image]);
    // No reserved blocks and no journal: "full" then means full for the station too.
    run('mkfs.ext4', ['-q', '-F', '-m', '0', '-O', '^has_journal', image]);
    const v = new LoopVolume(image, join(this.dir, options.name), 'ext4');
    this.made.push(v);
    return v;
  }

  cleanup(): void {
    for (const v of this.made.reverse()) {
      try {
        v.detach();
      } catch {
        // Keep tearing down the rest.
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
