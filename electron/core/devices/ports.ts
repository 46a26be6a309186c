// Ports: what the station needs from the operating system to notice docked recorders. Core
// declares them; native/ implements them per platform (linux, win32, darwin); tests use the
// real linux implementations against loop-mounted exFAT volumes.
import type { UsbDeviceInfo, RecorderInfo } from '../../shared/events.ts';
export type { UsbDeviceInfo, RecorderInfo };

export interface UsbMonitor {
  list(): Promise<UsbDeviceInfo[]>;
  /** Calls back on hot-plug. Returns a function that stops watching. */
  watch(listener: { attached(device: UsbDeviceInfo): void; detached(device: UsbDeviceInfo): void }): Promise<() => Promise<void>>;
}

/** A mounted file system that may be a recorder's storage. */
export type MountedVolume = {
  mountPoint: string;
  /** Block device or drive letter (/dev/sdb1, E:). */
  device: string;
  /** File system type as the OS names it (exfat, vfat, fuseblk, ntfs …). */
  fsType: string;
  label: string | null;
  /** The USB device behind the volume, where the platform can tell. */
  usb: UsbDeviceInfo | null;
};

export interface VolumeWatcher {
  current(): Promise<MountedVolume[]>;
  /** Calls back when volumes appear or disappear. Returns a function that stops watching. */
  watch(listener: { mounted(volume: MountedVolume): void; unmounted(volume: MountedVolume): void }): Promise<() => Promise<void>>;
}

/**
 * Recorders that expose storage only after a vendor command (`SetMSDC` with the admin password).
 * `exercised` says whether this adapter has ever run against real hardware in our tests, so the
 * UI can say so honestly.
 */
export interface RecorderUnlocker {
  readonly id: string;
  readonly exercised: boolean;
  handles(device: UsbDeviceInfo): boolean;
  readInfo(device: UsbDeviceInfo): Promise<RecorderInfo | null>;
  exposeStorage(device: UsbDeviceInfo, adminPassword: string): Promise<void>;
  /**
   * The recorder's own clock as it shows it (wall time, 14 digits YYYYMMDDhhmmss, read in the
   * agency zone by core). Only adapters with a clock interface have it; null when this recorder's
   * interface has no clock function. Must be called before exposeStorage: a recorder in
   * mass-storage mode no longer answers its vendor interface.
   */
  readClock?(device: UsbDeviceInfo, adminPassword: string): Promise<string | null>;
  /**
   * Sets the recorder's clock to the station PC's clock (公安部 interface `SyncDevTime`, which takes
   * no time: the vendor library reads the PC's). False when the interface has no such function.
   */
  syncClock?(device: UsbDeviceInfo, adminPassword: string): Promise<boolean>;
}

export type PlatformDevices = {
  volumes: VolumeWatcher;
  usb: UsbMonitor;
  unlockers: RecorderUnlocker[];
};
