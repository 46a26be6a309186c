// macOS volume detection.
//
// UNTESTED ON macOS: written from the documented output of `diskutil info -plist` and
// `system_profiler -json SPUSBDataType`; only the parsers are tested, on recorded samples written
// from those formats. macOS 15 renamed the USB report to SPUSBHostDataType with different keys;
// both spellings are read, but neither was seen on a real machine here.
//
// Everything removable mounts under /Volumes. chokidar tells when an entry appears or goes, and a
// two-second re-read of the directory covers missed events. diskutil says what each mount is; the
// USB identity (VID/PID/serial) is not in diskutil, so system_profiler, which maps USB devices to
// their BSD disks, is asked — slow (about a second), so only when a new volume appears.
import { execFile } from 'node:child_process';
import { readdir, lstat, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { watch as chokidarWatch } from 'chokidar';
import type { MountedVolume, UsbDeviceInfo, VolumeWatcher } from '../../electron/core/devices/ports.ts';
import { parsePlist } from './plist.ts';
import type { PlistValue } from './plist.ts';
import { startSnapshotWatch } from '../snapshotWatch.ts';
import type { Keyed } from '../snapshotWatch.ts';
import { errorText, silentReporter } from '../report.ts';
import type { Reporter } from '../report.ts';

/** diskutil's FilesystemType values for what a recorder can carry (FAT is "msdos"). */
export const DARWIN_FS_TYPES: readonly string[] = ['msdos', 'exfat', 'ntfs', 'fusefs'];

export type DiskutilInfo = {
  mountPoint: string | null;
  deviceNode: string | null;
  fsType: string | null;
  volumeName: string | null;
  internal: boolean | null;
  busProtocol: string | null;
  /** The whole disk (disk4 for disk4s1): system_profiler reports USB media by whole disk. */
  parentWholeDisk: string | null;
};

function dict(v: PlistValue | undefined): Record<string, PlistValue> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array) ? v : null;
}
function str(v: PlistValue | undefined): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

export function parseDiskutilInfo(xml: string): DiskutilInfo {
  const d = dict(parsePlist(xml));
  if (!d) throw new Error('diskutil info: expected a dict');
  return {
    mountPoint: str(d.MountPoint),
    deviceNode: str(d.DeviceNode),
    fsType: str(d.FilesystemType),
    volumeName: str(d.VolumeName),
    internal: typeof d.Internal === 'boolean' ? d.Internal : null,
    busProtocol: str(d.BusProtocol),
    parentWholeDisk: str(d.ParentWholeDisk),
  };
}

/** "0x0525  (NetChip Technology, Inc.)" or "0x0525" → 0x0525. */
function hexId(v: PlistValue | unknown): number | null {
  if (typeof v !== 'string') return null;
  const m = /^\s*0x([0-9a-fA-F]{1,4})\b/.exec(v);
  return m ? parseInt(m[1]!, 16) : null;
}

function jsonStr(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/**
 * Maps each whole BSD disk (disk4) to the USB device it sits on, from system_profiler's JSON.
 * Devices nest under hubs in `_items`; mass-storage media are listed in `Media` with `bsd_name`.
 */
export function parseSystemProfilerUsb(json: string): Map<string, UsbDeviceInfo> {
  const out = new Map<string, UsbDeviceInfo>();
  const root: unknown = JSON.parse(json);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown>;
    const vendorId = hexId(n.vendor_id ?? n.USBDeviceKeyVendorID);
    const productId = hexId(n.product_id ?? n.USBDeviceKeyProductID);
    const media = n.Media;
    if (vendorId !== null && productId !== null && Array.isArray(media)) {
      const info: UsbDeviceInfo = {
        vendorId,
        productId,
        serialNumber: jsonStr(n.serial_num ?? n.USBDeviceKeySerialNumber),
        manufacturer: jsonStr(n.manufacturer ?? n.USBDeviceKeyVendorName),
        product: jsonStr(n._name ?? n.USBDeviceKeyProductName),
        portPath: jsonStr(n.location_id ?? n.USBDeviceKeyLocationID),
      };
      for (const m of media) {
        const bsd = jsonStr((m as Record<string, unknown> | null)?.bsd_name);
        if (bsd) out.set(bsd, info);
      }
    }
    for (const value of Object.values(n)) if (typeof value === 'object') visit(value);
  };
  visit(root);
  return out;
}

export function diskutilToVolume(info: DiskutilInfo, usbByDisk: Map<string, UsbDeviceInfo>, fsTypes: readonly string[] = DARWIN_FS_TYPES): MountedVolume | null {
  if (!info.mountPoint || !info.deviceNode || !info.fsType) return null;
  if (!fsTypes.includes(info.fsType)) return null;
  // The internal SSD's volumes are never a docked recorder, whatever their type.
  if (info.internal === true) return null;
  return {
    mountPoint: info.mountPoint,
    device: info.deviceNode,
    fsType: info.fsType,
    label: info.volumeName,
    usb: (info.parentWholeDisk && usbByDisk.get(info.parentWholeDisk)) || null,
  };
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

export type DarwinVolumeOptions = {
  volumesDir?: string;
  fsTypes?: readonly string[];
  pollIntervalMs?: number;
  diskutilInfo?: (mountPoint: string) => Promise<string>;
  usbReport?: () => Promise<string>;
  report?: Reporter;
};

export class DarwinVolumeWatcher implements VolumeWatcher {
  readonly #volumesDir: string;
  readonly #fsTypes: readonly string[];
  readonly #pollIntervalMs: number;
  readonly #diskutil: (mountPoint: string) => Promise<string>;
  readonly #usbReport: () => Promise<string>;
  readonly #report: Reporter;
  /** Keyed by mount point + st_dev, which changes with every mount, so a reuse of a name is new. */
  readonly #cache = new Map<string, MountedVolume | null>();

  constructor(options: DarwinVolumeOptions = {}) {
    this.#volumesDir = options.volumesDir ?? '/Volumes';
    this.#fsTypes = options.fsTypes ?? DARWIN_FS_TYPES;
    this.#pollIntervalMs = options.pollIntervalMs ?? 2000;
    this.#diskutil = options.diskutilInfo ?? ((mp) => run('diskutil', ['info', '-plist', mp], 15_000));
    this.#usbReport = options.usbReport ?? (() => this.#systemProfiler());
    this.#report = options.report ?? silentReporter;
  }

  async #systemProfiler(): Promise<string> {
    try {
      return await run('system_profiler', ['-json', 'SPUSBDataType'], 30_000);
    } catch {
      return run('system_profiler', ['-json', 'SPUSBHostDataType'], 30_000);
    }
  }

  async current(): Promise<MountedVolume[]> {
    return [...(await this.#scan()).values()];
  }

  async #scan(): Promise<Keyed<MountedVolume>> {
    const names = await readdir(this.#volumesDir);
    const present: { key: string; mountPoint: string }[] = [];
    for (const name of names) {
      const mountPoint = join(this.#volumesDir, name);
      try {
        // "Macintosh HD" is a symlink to / : not a mount under /Volumes.
        if ((await lstat(mountPoint)).isSymbolicLink()) continue;
        present.push({ key: `${mountPoint}|${(await stat(mountPoint)).dev}`, mountPoint });
      } catch {
        continue;
      }
    }
    const fresh = present.filter((p) => !this.#cache.has(p.key));
    if (fresh.length > 0) {
      let usbByDisk = new Map<string, UsbDeviceInfo>();
      try {
        usbByDisk = parseSystemProfilerUsb(await this.#usbReport());
      } catch (e) {
        this.#report({ level: 'warn', code: 'volumes.usb_identity_failed', params: { reason: errorText(e) } });
      }
      for (const p of fresh) {
        try {
          this.#cache.set(p.key, diskutilToVolume(parseDiskutilInfo(await this.#diskutil(p.mountPoint)), usbByDisk, this.#fsTypes));
        } catch (e) {
          // Not cached: a volume still coming up is looked at again on the next scan.
          this.#report({ level: 'warn', code: 'volumes.inspect_failed', params: { mountPoint: p.mountPoint, reason: errorText(e) } });
        }
      }
    }
    const keys = new Set(present.map((p) => p.key));
    for (const k of this.#cache.keys()) if (!keys.has(k)) this.#cache.delete(k);
    const out: Keyed<MountedVolume> = new Map();
    for (const p of present) {
      const v = this.#cache.get(p.key);
      if (v) out.set(p.key, v);
    }
    return out;
  }

  async watch(listener: { mounted(volume: MountedVolume): void; unmounted(volume: MountedVolume): void }): Promise<() => Promise<void>> {
    const poll = startSnapshotWatch({
      scan: () => this.#scan(),
      initial: await this.#scan(),
      intervalMs: this.#pollIntervalMs,
      onAdded: (v) => listener.mounted(v),
      onRemoved: (v) => listener.unmounted(v),
      report: this.#report,
      scanFailedCode: 'volumes.scan_failed',
    });
    const w = chokidarWatch(this.#volumesDir, { depth: 0, ignoreInitial: true, ignorePermissionErrors: true, followSymlinks: false });
    const kick = (): void => poll.trigger();
    w.on('addDir', kick).on('unlinkDir', kick).on('add', kick).on('unlink', kick);
    w.on('error', (e) => this.#report({ level: 'warn', code: 'volumes.root_watch_failed', params: { root: this.#volumesDir, reason: errorText(e) } }));
    return async () => {
      await poll.stop();
      await w.close();
    };
  }
}
