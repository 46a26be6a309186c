// How an unlocker learns what the recorder catalogue says about a device. The catalogue lives in
// core (electron/core/devices/catalogue.ts, edited by admins); native does not import it, the
// composition root passes a function (catalogue.ts `classifyDevice` has exactly this shape).
import type { UsbDeviceInfo } from '../../electron/core/devices/ports.ts';

export type RecorderClass = { storage: 'mass-storage' } | { storage: 'vendor-unlock'; unlocker: string };

/** Null: the device is not a catalogued recorder. */
export type ClassifyRecorder = (device: UsbDeviceInfo) => RecorderClass | null;

export const classifyNothing: ClassifyRecorder = () => null;
