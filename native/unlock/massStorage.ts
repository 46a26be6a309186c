// The recorder that needs no unlock: it enumerates as a USB mass-storage device and its volume
// mounts like any card. Nothing can be read from it but its files, so identity (产品序号, 警号)
// comes from the GA/T 947 file names and the recorder registry, not from here.
import type { RecorderInfo, RecorderUnlocker, UsbDeviceInfo } from '../../electron/core/devices/ports.ts';
import type { ClassifyRecorder } from './classify.ts';

export const MASS_STORAGE_UNLOCKER_ID = 'mass-storage';

export class MassStorageUnlocker implements RecorderUnlocker {
  readonly id = MASS_STORAGE_UNLOCKER_ID;
  // Exercised: it performs no device I/O, so there is nothing a real recorder could disagree with;
  // the volume it leaves alone is what the Linux watcher tests mount for real (exFAT over FUSE).
  readonly exercised = true;
  readonly #classify: ClassifyRecorder;

  constructor(classify: ClassifyRecorder) {
    this.#classify = classify;
  }

  handles(device: UsbDeviceInfo): boolean {
    return this.#classify(device)?.storage === 'mass-storage';
  }

  async readInfo(_device: UsbDeviceInfo): Promise<RecorderInfo | null> {
    return null;
  }

  async exposeStorage(_device: UsbDeviceInfo, _adminPassword: string): Promise<void> {
    // Storage is already exposed; the password is not needed and is not kept.
  }
}
