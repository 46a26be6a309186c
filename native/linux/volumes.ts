// Linux volume detection. The authority is /proc/self/mountinfo. The kernel signals changes to it
// with POLLPRI, which Node cannot wait for, so two cheaper signals stand in: chokidar on the mount
// roots (udisks creates /media/$USER/LABEL just before it mounts, so a dock is seen at once) and a
// re-read every second (a mount made on an existing directory, e.g. `mount /dev/sdb1 /mnt/x`,
// changes no directory at all). Reading mountinfo is a few kilobytes from memory: cheap enough.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { watch as chokidarWatch } from 'chokidar';
import type { MountedVolume, UsbDeviceInfo, VolumeWatcher } from '../../electron/core/devices/ports.ts';
import { DEFAULT_MOUNT_ROOTS, isUnder, parseMountInfo, REMOVABLE_FS_TYPES, volumeCandidates } from './mountinfo.ts';
import type { MountInfoEntry } from './mountinfo.ts';
import { DEFAULT_BY_LABEL_DIR, labelFromBlkid, labelFromByLabel } from './labels.ts';
import { DEFAULT_SYSFS_ROOT, usbDeviceForBlockDevice } from '../usb/sysfs.ts';
import { startSnapshotWatch } from '../snapshotWatch.ts';
import type { Keyed } from '../snapshotWatch.ts';
import { errorText, silentReporter } from '../report.ts';
import type { Reporter } from '../report.ts';

export type MountRoot = { path: string; depth: number };

export type LinuxVolumeOptions = {
  mountInfoPath?: string;
  sysRoot?: string;
  byLabelDir?: string;
  /** Fall back to `blkid` for the label when udev has no by-label link (default true). */
  useBlkid?: boolean;
  fsTypes?: readonly string[];
  /**
   * Where media is mounted. udisks mounts at /media/$USER/LABEL or /run/media/$USER/LABEL (depth 1
   * sees the LABEL directory appear); admins mount straight under /mnt (depth 0).
   */
  mountRoots?: readonly MountRoot[];
  /** mountinfo re-read period in ms (default 1000); 0 leaves only chokidar (tests). */
  pollIntervalMs?: number;
  report?: Reporter;
};

export const DEFAULT_LINUX_MOUNT_ROOTS: readonly MountRoot[] = DEFAULT_MOUNT_ROOTS.map((path) => ({ path, depth: path === '/mnt' ? 0 : 1 }));

type Resolved = { entry: MountInfoEntry; volume: MountedVolume | null };

export class LinuxVolumeWatcher implements VolumeWatcher {
  readonly #mountInfoPath: string;
  readonly #sysRoot: string;
  readonly #byLabelDir: string;
  readonly #useBlkid: boolean;
  readonly #fsTypes: readonly string[];
  readonly #mountRoots: readonly MountRoot[];
  readonly #pollIntervalMs: number;
  readonly #report: Reporter;
  /**
   * Resolution (sysfs walk, label, maybe a blkid run) happens once per mount, keyed by mount id
   * plus device, not on every one-second poll; rejected mounts are cached too (volume null).
   */
  readonly #cache = new Map<string, Resolved>();

  constructor(options: LinuxVolumeOptions = {}) {
    this.#mountInfoPath = options.mountInfoPath ?? '/proc/self/mountinfo';
    this.#sysRoot = options.sysRoot ?? DEFAULT_SYSFS_ROOT;
    this.#byLabelDir = options.byLabelDir ?? DEFAULT_BY_LABEL_DIR;
    this.#useBlkid = options.useBlkid ?? true;
    this.#fsTypes = options.fsTypes ?? REMOVABLE_FS_TYPES;
    this.#mountRoots = options.mountRoots ?? DEFAULT_LINUX_MOUNT_ROOTS;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.#report = options.report ?? silentReporter;
  }

  async current(): Promise<MountedVolume[]> {
    return [...(await this.#scan()).values()];
  }

  async watch(listener: { mounted(volume: MountedVolume): void; unmounted(volume: MountedVolume): void }): Promise<() => Promise<void>> {
    // The baseline is taken before watch() resolves: whatever mounts after that is reported, and a
    // caller that then calls current() sees what was docked before (possibly also reported once).
    const initial = await this.#scan();
    const poll = startSnapshotWatch({
      scan: () => this.#scan(),
      initial,
      intervalMs: this.#pollIntervalMs,
      onAdded: (v) => listener.mounted(v),
      onRemoved: (v) => listener.unmounted(v),
      report: this.#report,
      scanFailedCode: 'volumes.scan_failed',
    });
    const roots = this.#mountRoots.filter((r) => existsSync(r.path));
    const watchers = roots.map((root) => {
      const w = chokidarWatch(root.path, {
        depth: root.depth,
        ignoreInitial: true,
        ignorePermissionErrors: true,
        followSymlinks: false,
        // Stat-polling a mount point would read the recorder; inotify only.
        usePolling: false,
      });
      const kick = (): void => {
        poll.trigger();
        // udisks creates the directory, then mounts: look again shortly after.
        setTimeout(() => poll.trigger(), 250).unref();
      };
      w.on('addDir', kick).on('unlinkDir', kick).on('add', kick).on('unlink', kick);
      w.on('error', (e) => this.#report({ level: 'warn', code: 'volumes.root_watch_failed', params: { root: root.path, reason: errorText(e) } }));
      return w;
    });
    // Resolve only once inotify is in place, so a dock right after watch() is not missed; but never
    // hang on a root that will not settle (the one-second poll covers it).
    await Promise.all(
      watchers.map(
        (w) =>
          new Promise<void>((resolve) => {
            const t = setTimeout(resolve, 5000);
            t.unref();
            w.once('ready', () => {
              clearTimeout(t);
              resolve();
            });
          }),
      ),
    );
    return async () => {
      await poll.stop();
      await Promise.all(watchers.map((w) => w.close()));
    };
  }

  async #scan(): Promise<Keyed<MountedVolume>> {
    const text = await readFile(this.#mountInfoPath, 'utf8');
    const candidates = volumeCandidates(parseMountInfo(text), this.#fsTypes);
    const seen = new Set<string>();
    const out: Keyed<MountedVolume> = new Map();
    for (const entry of candidates) {
      const key = `${entry.mountId}|${entry.major}:${entry.minor}|${entry.mountPoint}`;
      seen.add(key);
      let resolved = this.#cache.get(key);
      if (!resolved) {
        resolved = { entry, volume: await this.#resolve(entry) };
        this.#cache.set(key, resolved);
      }
      if (resolved.volume) out.set(key, resolved.volume);
    }
    for (const key of this.#cache.keys()) if (!seen.has(key)) this.#cache.delete(key);
    return out;
  }

  async #resolve(entry: MountInfoEntry): Promise<MountedVolume | null> {
    const usb: UsbDeviceInfo | null = await usbDeviceForBlockDevice(entry, this.#sysRoot).catch(() => null);
    // A vfat mount that is neither on USB nor under a media root is the EFI system partition or
    // similar: not something an officer docked.
    const underRoot = this.#mountRoots.some((r) => isUnder(entry.mountPoint, r.path));
    if (!usb && !underRoot) return null;
    return {
      mountPoint: entry.mountPoint,
      device: entry.source,
      fsType: entry.fsType,
      label: await this.#label(entry.source),
      usb,
    };
  }

  async #label(device: string): Promise<string | null> {
    if (!device.startsWith('/dev/')) return null;
    const fromUdev = await labelFromByLabel(device, this.#byLabelDir);
    if (fromUdev !== null || !this.#useBlkid) return fromUdev;
    return labelFromBlkid(device);
  }
}
