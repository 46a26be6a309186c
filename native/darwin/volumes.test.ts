// The macOS watcher cannot run here; its parsers and change logic can. The samples follow the
// documented shapes of `diskutil info -plist` (an XML plist dict with DeviceNode, FilesystemType,
// VolumeName, MountPoint, Internal, BusProtocol, ParentWholeDisk …) and `system_profiler -json
// SPUSBDataType` (devices nested in `_items`, ids as "0x0525  (Vendor)", storage in `Media`).
import { mkdir, mkdtemp, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlist } from './plist.ts';
import { DarwinVolumeWatcher, diskutilToVolume, parseDiskutilInfo, parseSystemProfilerUsb } from './volumes.ts';

const DISKUTIL = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Bootable</key>
	<false/>
	<key>BusProtocol</key>
	<string>USB</string>
	<key>DeviceIdentifier</key>
	<string>disk4s1</string>
	<key>DeviceNode</key>
	<string>/dev/disk4s1</string>
	<key>Ejectable</key>
	<true/>
	<key>FilesystemName</key>
	<string>ExFAT</string>
	<key>FilesystemType</key>
	<string>exfat</string>
	<key>FreeSpace</key>
	<integer>31988465664</integer>
	<key>Internal</key>
	<false/>
	<key>MediaName</key>
	<string>File-Stor Gadget &amp; Co</string>
	<key>MountPoint</key>
	<string>/Volumes/REC 01</string>
	<key>ParentWholeDisk</key>
	<string>disk4</string>
	<key>Removable</key>
	<true/>
	<key>SMARTStatus</key>
	<string></string>
	<key>TotalSize</key>
	<integer>32010928128</integer>
	<key>VolumeName</key>
	<string>REC 01</string>
	<key>VolumeUUID</key>
	<string>0E239BC6-F960-3107-89CF-1C97F78BB46B</string>
	<key>Wholedisk</key>
	<false/>
	<key>DiskUUID</key>
	<data>
	AAECAw==
	</data>
	<key>Ratio</key>
	<real>0.5</real>
	<key>Seen</key>
	<date>2024-05-01T08:00:00Z</date>
	<key>Children</key>
	<array>
		<string>a</string>
		<dict/>
	</array>
</dict>
</plist>
`;

const PROFILER = JSON.stringify({
  SPUSBDataType: [
    {
      _name: 'USB31Bus',
      host_controller: 'AppleUSBXHCITR',
      _items: [
        {
          _name: 'USB2.0 Hub',
          vendor_id: '0x05e3  (Genesys Logic, Inc.)',
          product_id: '0x0610',
          _items: [
            {
              _name: 'DSJ Recorder',
              location_id: '0x01120000 / 4',
              manufacturer: 'Acme',
              product_id: '0xa4a5',
              serial_num: 'ZFY0012345',
              vendor_id: '0x0525  (NetChip Technology, Inc.)',
              Media: [{ _name: 'File-Stor Gadget', bsd_name: 'disk4', volumes: [{ _name: 'REC 01', bsd_name: 'disk4s1', mount_point: '/Volumes/REC 01' }] }],
            },
          ],
        },
        { _name: 'Keyboard', vendor_id: '0x05ac  (Apple Inc.)', product_id: '0x024f' },
      ],
    },
  ],
});

describe('plist reader', () => {
  it('reads every value type diskutil uses', () => {
    const v = parsePlist(DISKUTIL) as Record<string, unknown>;
    expect(v.Bootable).toBe(false);
    expect(v.Ejectable).toBe(true);
    expect(v.FreeSpace).toBe(31988465664);
    expect(v.MediaName).toBe('File-Stor Gadget & Co');
    expect(v.SMARTStatus).toBe('');
    expect(v.DiskUUID).toEqual(new Uint8Array([0, 1, 2, 3]));
    expect(v.Ratio).toBe(0.5);
    expect(v.Seen).toEqual(new Date('2024-05-01T08:00:00Z'));
    expect(v.Children).toEqual(['a', {}]);
  });

  it('refuses malformed input', () => {
    expect(() => parsePlist('<plist><dict><string>x</string></dict></plist>')).toThrow(/key/);
    expect(() => parsePlist('<plist><dict><key>a</key>')).toThrow();
  });
});

describe('macOS volume parsers', () => {
  it('maps a USB exFAT volume to the USB device under its whole disk', () => {
    const info = parseDiskutilInfo(DISKUTIL);
    expect(info).toEqual({
      mountPoint: '/Volumes/REC 01',
      deviceNode: '/dev/disk4s1',
      fsType: 'exfat',
      volumeName: 'REC 01',
      internal: false,
      busProtocol: 'USB',
      parentWholeDisk: 'disk4',
    });
    const usb = parseSystemProfilerUsb(PROFILER);
    expect([...usb.keys()]).toEqual(['disk4']);
    expect(diskutilToVolume(info, usb)).toEqual({
      mountPoint: '/Volumes/REC 01',
      device: '/dev/disk4s1',
      fsType: 'exfat',
      label: 'REC 01',
      usb: { vendorId: 0x0525, productId: 0xa4a5, serialNumber: 'ZFY0012345', manufacturer: 'Acme', product: 'DSJ Recorder', portPath: '0x01120000 / 4' },
    });
  });

  it('reads the macOS 15 key spelling too', () => {
    const usb = parseSystemProfilerUsb(
      JSON.stringify({
        SPUSBHostDataType: [{ _items: [{ USBDeviceKeyVendorID: '0x0525', USBDeviceKeyProductID: '0xa4a5', USBDeviceKeySerialNumber: 'S9', Media: [{ bsd_name: 'disk6' }] }] }],
      }),
    );
    expect(usb.get('disk6')).toMatchObject({ vendorId: 0x0525, productId: 0xa4a5, serialNumber: 'S9' });
  });

  it('drops internal volumes, other file systems and half-described mounts', () => {
    const info = parseDiskutilInfo(DISKUTIL);
    expect(diskutilToVolume({ ...info, internal: true }, new Map())).toBeNull();
    expect(diskutilToVolume({ ...info, fsType: 'apfs' }, new Map())).toBeNull();
    expect(diskutilToVolume({ ...info, mountPoint: null }, new Map())).toBeNull();
    expect(diskutilToVolume({ ...info, parentWholeDisk: 'disk9' }, new Map())?.usb).toBeNull();
  });
});

describe('DarwinVolumeWatcher change logic (stand-in /Volumes and diskutil)', () => {
  let volumes: string;
  beforeAll(async () => {
    volumes = await mkdtemp(join(tmpdir(), 'es-Volumes-'));
  });
  afterAll(async () => {
    await rm(volumes, { recursive: true, force: true });
  });

  it('asks diskutil about a new entry once and reports it mounted, then unmounted', async () => {
    const asked: string[] = [];
    let profilerRuns = 0;
    const w = new DarwinVolumeWatcher({
      volumesDir: volumes,
      pollIntervalMs: 50,
      diskutilInfo: async (mp) => {
        asked.push(mp);
        return DISKUTIL.replace('/Volumes/REC 01', mp);
      },
      usbReport: async () => {
        profilerRuns++;
        return PROFILER;
      },
    });
    const events: string[] = [];
    const stop = await w.watch({ mounted: (v) => events.push(`+${v.usb?.serialNumber}`), unmounted: () => events.push('-') });
    try {
      const mp = join(volumes, 'REC 01');
      await mkdir(mp);
      await waitFor(() => events.includes('+ZFY0012345'));
      await new Promise((r) => setTimeout(r, 200));
      expect(asked).toEqual([mp]);
      expect(profilerRuns).toBe(1);
      await rmdir(mp);
      await waitFor(() => events.includes('-'));
    } finally {
      await stop();
    }
  });
});

async function waitFor(ok: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
