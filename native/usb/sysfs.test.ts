import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockDeviceSysfsDir, listSysfsUsbDevices, readUsbDeviceByPort, usbDeviceForBlockDevice, usbSysfsName } from './sysfs.ts';
import { addFakeLoop, addFakeUsbDevice } from '../testing/fakeSysfs.ts';

let sys: string;

beforeEach(async () => {
  sys = await mkdtemp(join(tmpdir(), 'es-sysfs-'));
});
afterEach(async () => {
  await rm(sys, { recursive: true, force: true });
});

const recorder = {
  name: '1-2',
  vendorId: '0525',
  productId: 'a4a5',
  serial: '0012345',
  manufacturer: 'Linux 5.10 with dwc3',
  product: 'Mass Storage Gadget',
  disks: [{ name: 'sdb', major: 8, minor: 16, partitions: [{ name: 'sdb1', minor: 17 }] }],
};

describe('sysfs USB identity', () => {
  it('names devices as the kernel does', () => {
    expect(usbSysfsName(1, [2])).toBe('1-2');
    expect(usbSysfsName(3, [1, 4, 2])).toBe('3-1.4.2');
    expect(usbSysfsName(1, [])).toBeNull();
    expect(usbSysfsName(0, [1])).toBeNull();
  });

  it('resolves a partition to the USB device above it by major:minor', async () => {
    await addFakeUsbDevice(sys, recorder);
    const usb = await usbDeviceForBlockDevice({ major: 8, minor: 17, source: '/dev/sdb1' }, sys);
    expect(usb).toEqual({
      vendorId: 0x0525,
      productId: 0xa4a5,
      serialNumber: '0012345',
      manufacturer: 'Linux 5.10 with dwc3',
      product: 'Mass Storage Gadget',
      portPath: join(sys, 'bus/usb/devices/1-2'),
    });
  });

  it('falls back to the source name when the device numbers are anonymous', async () => {
    await addFakeUsbDevice(sys, recorder);
    // /dev/sdb1 does not exist on this machine; the basename still finds class/block/sdb1.
    const usb = await usbDeviceForBlockDevice({ major: 0, minor: 55, source: '/dev/sdb1' }, sys);
    expect(usb?.serialNumber).toBe('0012345');
  });

  it('finds a device behind a hub and without a serial', async () => {
    await addFakeUsbDevice(sys, { name: '2-1.3', vendorId: '1b3f', productId: '2002', disks: [{ name: 'sdc', major: 8, minor: 32 }] });
    const usb = await usbDeviceForBlockDevice({ major: 8, minor: 32, source: '/dev/sdc' }, sys);
    expect(usb).toMatchObject({ vendorId: 0x1b3f, productId: 0x2002, serialNumber: null, manufacturer: null, portPath: join(sys, 'bus/usb/devices/2-1.3') });
  });

  it('gives loop devices no USB identity', async () => {
    await addFakeLoop(sys, 'loop3', 3);
    expect(await blockDeviceSysfsDir({ major: 7, minor: 3, source: '/dev/loop3' }, sys)).toContain('devices/virtual/block/loop3');
    expect(await usbDeviceForBlockDevice({ major: 7, minor: 3, source: '/dev/loop3' }, sys)).toBeNull();
  });

  it('gives unknown devices no USB identity', async () => {
    expect(await usbDeviceForBlockDevice({ major: 8, minor: 99, source: '/dev/sdz9' }, sys)).toBeNull();
    expect(await usbDeviceForBlockDevice({ major: 0, minor: 40, source: 'tmpfs' }, sys)).toBeNull();
  });

  it('lists devices without root hubs or interfaces, reads by bus and ports', async () => {
    await addFakeUsbDevice(sys, recorder);
    await addFakeUsbDevice(sys, { name: '1-10', vendorId: '046d', productId: 'c52b', product: 'USB Receiver' });
    const list = await listSysfsUsbDevices(sys);
    expect(list.map((d) => d.portPath)).toEqual([join(sys, 'bus/usb/devices/1-2'), join(sys, 'bus/usb/devices/1-10')]);
    expect((await readUsbDeviceByPort(1, [10], sys))?.product).toBe('USB Receiver');
    expect(await readUsbDeviceByPort(1, [7], sys)).toBeNull();
  });

  it('treats a missing bus directory as an empty bus', async () => {
    expect(await listSysfsUsbDevices(join(sys, 'nothing-here'))).toEqual([]);
  });
});
