// Builds a small sysfs-shaped tree in a temp dir for tests: the same directory nesting and
// relative symlinks the kernel exposes (bus/usb/devices, class/block, dev/block all pointing into
// devices/), so code that follows links and walks up behaves as on a real /sys.
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

export type FakeUsbDevice = {
  /** Kernel name, e.g. "1-2" or "1-2.4". */
  name: string;
  vendorId: string;
  productId: string;
  serial?: string;
  manufacturer?: string;
  product?: string;
  disks?: { name: string; major: number; minor: number; partitions?: { name: string; minor: number }[] }[];
};

const CONTROLLER = 'devices/pci0000:00/0000:00:14.0';

async function link(root: string, from: string, to: string): Promise<void> {
  const at = join(root, from);
  await mkdir(dirname(at), { recursive: true });
  await symlink(relative(dirname(at), join(root, to)), at);
}

async function attrs(dir: string, values: Record<string, string | undefined>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [k, v] of Object.entries(values)) if (v !== undefined) await writeFile(join(dir, k), v + '\n');
}

function busOf(name: string): number {
  return Number(name.split('-')[0]);
}

/** Creates the root hub of each bus a device needs and the device itself; returns its devices/ path. */
export async function addFakeUsbDevice(root: string, d: FakeUsbDevice): Promise<string> {
  const bus = busOf(d.name);
  const hub = `${CONTROLLER}/usb${bus}`;
  await attrs(join(root, hub), { idVendor: '1d6b', idProduct: '0002', product: 'EHCI Host Controller' });
  await link(root, `bus/usb/devices/usb${bus}`, hub).catch(() => {});
  // A hub port chain 1-2.4 nests under 1-2 in devices/.
  const parts = d.name.split('-')[1]!.split('.');
  let path = hub;
  for (let i = 1; i <= parts.length; i++) path = `${path}/${bus}-${parts.slice(0, i).join('.')}`;
  await attrs(join(root, path), {
    idVendor: d.vendorId,
    idProduct: d.productId,
    serial: d.serial,
    manufacturer: d.manufacturer,
    product: d.product,
  });
  await link(root, `bus/usb/devices/${d.name}`, path);
  const iface = `${path}/${d.name}:1.0`;
  await attrs(join(root, iface), { bInterfaceClass: '08' });
  await link(root, `bus/usb/devices/${d.name}:1.0`, iface);
  for (const [n, disk] of (d.disks ?? []).entries()) {
    const diskDir = `${iface}/host${n + 3}/target${n + 3}:0:0/${n + 3}:0:0:0/block/${disk.name}`;
    await attrs(join(root, diskDir), { dev: `${disk.major}:${disk.minor}` });
    await link(root, `class/block/${disk.name}`, diskDir);
    await link(root, `dev/block/${disk.major}:${disk.minor}`, diskDir);
    for (const p of disk.partitions ?? []) {
      const partDir = `${diskDir}/${p.name}`;
      await attrs(join(root, partDir), { dev: `${disk.major}:${p.minor}`, partition: '1' });
      await link(root, `class/block/${p.name}`, partDir);
      await link(root, `dev/block/${disk.major}:${p.minor}`, partDir);
    }
  }
  return join(root, path);
}

/** Removes a device as an unplug would: its bus link and its directory (interfaces and disks too). */
export async function removeFakeUsbDevice(root: string, d: FakeUsbDevice, devicePath: string): Promise<void> {
  await rm(join(root, 'bus/usb/devices', d.name), { force: true });
  await rm(join(root, 'bus/usb/devices', `${d.name}:1.0`), { force: true });
  for (const disk of d.disks ?? []) {
    await rm(join(root, 'class/block', disk.name), { force: true });
    await rm(join(root, 'dev/block', `${disk.major}:${disk.minor}`), { force: true });
    for (const p of disk.partitions ?? []) {
      await rm(join(root, 'class/block', p.name), { force: true });
      await rm(join(root, 'dev/block', `${disk.major}:${p.minor}`), { force: true });
    }
  }
  await rm(devicePath, { recursive: true, force: true });
}

/** A loop device, as losetup creates it: under devices/virtual, no USB anywhere above. */
export async function addFakeLoop(root: string, name: string, minor: number): Promise<void> {
  const dir = `devices/virtual/block/${name}`;
  await attrs(join(root, dir), { dev: `7:${minor}` });
  await link(root, `class/block/${name}`, dir);
  await link(root, `dev/block/7:${minor}`, dir);
}
