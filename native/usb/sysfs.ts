// Linux sysfs is where a USB device's identity can be read without opening the device: the kernel
// caches the descriptor strings (serial, manufacturer, product) as files when it enumerates it.
// The station must never open a recorder (some firmwares switch mode or lock up on an unexpected
// control transfer), so on Linux every USB identity comes from here. The root is injectable so
// tests can build a fake tree in a temp dir.
import { readdir, readFile, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { UsbDeviceInfo } from '../../electron/core/devices/ports.ts';

export const DEFAULT_SYSFS_ROOT = '/sys';

/** A USB device directory name in /sys/bus/usb/devices: bus-port[.port…], e.g. 1-2 or 3-1.4.2. */
const USB_DEVICE_NAME = /^\d+-\d+(\.\d+)*$/;

export function usbDevicesDir(sysRoot: string): string {
  return join(sysRoot, 'bus', 'usb', 'devices');
}

/** The sysfs name the kernel gives the device at `busNumber` behind `ports` (1, [2, 4] → "1-2.4"). */
export function usbSysfsName(busNumber: number, ports: readonly number[]): string | null {
  if (!Number.isInteger(busNumber) || busNumber <= 0 || ports.length === 0) return null;
  return `${busNumber}-${ports.join('.')}`;
}

async function readAttr(dir: string, name: string): Promise<string | null> {
  try {
    const text = (await readFile(join(dir, name), 'utf8')).replace(/\n$/, '');
    return text === '' ? null : text;
  } catch {
    return null;
  }
}

function parseHexId(text: string | null): number | null {
  if (text === null || !/^[0-9a-fA-F]{1,4}$/.test(text.trim())) return null;
  return parseInt(text.trim(), 16);
}

/**
 * Reads the identity of the USB device whose sysfs directory is `dir` (one that holds idVendor and
 * idProduct). Null when `dir` is not such a directory. `portPath` is reported under the bus
 * directory so it is the same whichever route (block device, hot-plug, listing) found the device.
 */
export async function readUsbDeviceDir(dir: string, sysRoot: string = DEFAULT_SYSFS_ROOT): Promise<UsbDeviceInfo | null> {
  const [vid, pid] = await Promise.all([readAttr(dir, 'idVendor'), readAttr(dir, 'idProduct')]);
  const vendorId = parseHexId(vid);
  const productId = parseHexId(pid);
  if (vendorId === null || productId === null) return null;
  const [serialNumber, manufacturer, product] = await Promise.all([
    readAttr(dir, 'serial'),
    readAttr(dir, 'manufacturer'),
    readAttr(dir, 'product'),
  ]);
  return {
    vendorId,
    productId,
    serialNumber: serialNumber?.trim() || null,
    manufacturer: manufacturer?.trim() || null,
    product: product?.trim() || null,
    portPath: join(usbDevicesDir(sysRoot), basename(dir)),
  };
}

/** The identity of the device at bus/ports, read from /sys/bus/usb/devices/<bus>-<ports>. */
export async function readUsbDeviceByPort(busNumber: number, ports: readonly number[], sysRoot: string = DEFAULT_SYSFS_ROOT): Promise<UsbDeviceInfo | null> {
  const name = usbSysfsName(busNumber, ports);
  if (name === null) return null;
  return readUsbDeviceDir(join(usbDevicesDir(sysRoot), name), sysRoot);
}

/**
 * Every USB device the kernel knows, root hubs and interfaces excluded. An absent bus directory
 * (containers, kernels without USB) is an empty bus, not an error.
 */
export async function listSysfsUsbDevices(sysRoot: string = DEFAULT_SYSFS_ROOT): Promise<UsbDeviceInfo[]> {
  let names: string[];
  try {
    names = await readdir(usbDevicesDir(sysRoot));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const devices = await Promise.all(
    names.filter((n) => USB_DEVICE_NAME.test(n)).sort(compareUsbNames).map((n) => readUsbDeviceDir(join(usbDevicesDir(sysRoot), n), sysRoot)),
  );
  return devices.filter((d): d is UsbDeviceInfo => d !== null);
}

function compareUsbNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

export type BlockDeviceRef = {
  /** From mountinfo; 0 for anonymous devices (tmpfs, non-block FUSE). */
  major: number;
  minor: number;
  /** The mount source, e.g. /dev/sdb1 or /dev/loop3. */
  source: string;
};

/** The sysfs directory of a mounted block device, following the kernel's own links. */
export async function blockDeviceSysfsDir(ref: BlockDeviceRef, sysRoot: string = DEFAULT_SYSFS_ROOT): Promise<string | null> {
  // major:minor names the block device exactly (fuseblk reports the real device's numbers too);
  // the source path is the fallback for a file system that reports an anonymous device.
  const candidates: string[] = [];
  if (ref.major !== 0) candidates.push(join(sysRoot, 'dev', 'block', `${ref.major}:${ref.minor}`));
  if (ref.source.startsWith('/dev/')) {
    let name = basename(ref.source);
    try {
      name = basename(await realpath(ref.source));
    } catch {
      // The source node may be gone already (device unplugged before the unmount was noticed).
    }
    candidates.push(join(sysRoot, 'class', 'block', name));
  }
  for (const c of candidates) {
    try {
      return await realpath(c);
    } catch {
      continue;
    }
  }
  return null;
}

/**
 * Walks up from a block device's sysfs directory to the USB device it sits on: the first ancestor
 * holding idVendor/idProduct (the interface directories 1-2:1.0 in between hold neither). Loop
 * and other virtual devices live under /sys/devices/virtual and have no such ancestor: null.
 */
export async function usbDeviceForBlockDevice(ref: BlockDeviceRef, sysRoot: string = DEFAULT_SYSFS_ROOT): Promise<UsbDeviceInfo | null> {
  const start = await blockDeviceSysfsDir(ref, sysRoot);
  if (start === null) return null;
  let stop: string;
  try {
    stop = await realpath(sysRoot);
  } catch {
    return null;
  }
  for (let dir = start; dir.startsWith(stop + '/') && dir !== stop; dir = dirname(dir)) {
    const device = await readUsbDeviceDir(dir, sysRoot);
    if (device) return device;
  }
  return null;
}
