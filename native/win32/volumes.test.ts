// The Windows watcher cannot run here; its parser and its change logic can. The samples are what
// WINDOWS_VOLUME_SCRIPT prints, written from the documented shapes of Win32_LogicalDisk
// (DeviceID "E:", VolumeName, FileSystem "exFAT"/"FAT32"/"NTFS", DriveType 2 = removable),
// Win32_DiskDrive.PNPDeviceID (USBSTOR\DISK&VEN_…\<instance>) and USB device instance ids
// (USB\VID_xxxx&PID_yyyy\<serial>, or a made-up "6&…&0&3" when the device has no serial).
import { describe, expect, it } from 'vitest';
import type { MountedVolume } from '../../electron/core/devices/ports.ts';
import { parseUsbInstanceId, parseWindowsVolumes, WindowsVolumeWatcher } from './volumes.ts';

const SAMPLE = JSON.stringify([
  {
    drive: 'E:',
    label: 'REC 01',
    fs: 'exFAT',
    driveType: 2,
    diskPnp: 'USBSTOR\\DISK&VEN_LINUX&PROD_FILE-STOR_GADGET&REV_0510\\0012345&0',
    usbInstance: 'USB\\VID_0525&PID_A4A5\\0012345',
    busDesc: 'Mass Storage Gadget',
  },
  {
    drive: 'f:',
    label: '证据',
    fs: 'FAT32',
    driveType: 2,
    diskPnp: 'USBSTOR\\DISK&VEN_GENERIC&PROD_FLASH_DISK&REV_8.07\\6&1A2B3C4D&0',
    usbInstance: 'USB\\VID_058F&PID_6387\\6&2B3C4D5E&0&3',
    busDesc: null,
  },
  // A card reader slot with no formatted media: no file system, nothing to ingest.
  { drive: 'G:', label: null, fs: null, driveType: 2, diskPnp: null, usbInstance: null, busDesc: null },
  // A built-in SD reader: removable, not USB.
  { drive: 'H:', label: '', fs: 'FAT32', driveType: 2, diskPnp: 'SD\\DISK&GENERIC&SD&REV_1.0\\5&1234&0', usbInstance: null, busDesc: null },
  { drive: 'I:', label: 'DISC', fs: 'UDF', driveType: 2, diskPnp: null, usbInstance: null, busDesc: null },
  { nonsense: true },
]);

describe('Windows volume output parser', () => {
  it('parses USB instance ids', () => {
    expect(parseUsbInstanceId('USB\\VID_0525&PID_A4A5\\0012345')).toEqual({ vendorId: 0x0525, productId: 0xa4a5, serialNumber: '0012345' });
    expect(parseUsbInstanceId('USB\\VID_058F&PID_6387\\6&2B3C4D5E&0&3')).toEqual({ vendorId: 0x058f, productId: 0x6387, serialNumber: null });
    expect(parseUsbInstanceId('USB\\VID_0525&PID_A4A5&MI_00\\7&1F2E&0&0000')).toEqual({ vendorId: 0x0525, productId: 0xa4a5, serialNumber: null });
    expect(parseUsbInstanceId('USBSTOR\\DISK&VEN_X\\1')).toBeNull();
  });

  it('turns rows into volumes, keeping only drives with a recorder-capable file system', () => {
    expect(parseWindowsVolumes('\uFEFF' + SAMPLE)).toEqual<MountedVolume[]>([
      {
        mountPoint: 'E:\\',
        device: 'E:',
        fsType: 'exfat',
        label: 'REC 01',
        usb: { vendorId: 0x0525, productId: 0xa4a5, serialNumber: '0012345', manufacturer: null, product: 'Mass Storage Gadget', portPath: 'USB\\VID_0525&PID_A4A5\\0012345' },
      },
      {
        mountPoint: 'F:\\',
        device: 'F:',
        fsType: 'fat32',
        label: '证据',
        usb: { vendorId: 0x058f, productId: 0x6387, serialNumber: null, manufacturer: null, product: null, portPath: 'USB\\VID_058F&PID_6387\\6&2B3C4D5E&0&3' },
      },
      { mountPoint: 'H:\\', device: 'H:', fsType: 'fat32', label: null, usb: null },
    ]);
  });

  it('accepts PowerShell’s single-object and empty outputs', () => {
    expect(parseWindowsVolumes('')).toEqual([]);
    expect(parseWindowsVolumes('[]')).toEqual([]);
    expect(parseWindowsVolumes('{"drive":"E:","label":"X","fs":"NTFS","driveType":2}')).toHaveLength(1);
    expect(() => parseWindowsVolumes('not json')).toThrow();
  });
});

describe('WindowsVolumeWatcher change logic (stand-in PowerShell and drive probe)', () => {
  it('runs the full query when the set of drive letters changes and reports the difference', async () => {
    let output = '[]';
    let letters = ['C'];
    let runs = 0;
    const w = new WindowsVolumeWatcher({
      runScript: async () => {
        runs++;
        return output;
      },
      probeLetters: async () => letters,
      probeIntervalMs: 20,
      fullRescanMs: 0,
    });
    const events: string[] = [];
    const stop = await w.watch({ mounted: (v) => events.push(`+${v.device}`), unmounted: (v) => events.push(`-${v.device}`) });
    try {
      const baseline = runs;
      await new Promise((r) => setTimeout(r, 100));
      // Same letters: no PowerShell.
      expect(runs).toBe(baseline);
      output = JSON.stringify([{ drive: 'E:', label: 'REC', fs: 'exFAT', driveType: 2, usbInstance: 'USB\\VID_0525&PID_A4A5\\1' }]);
      letters = ['C', 'E'];
      await waitFor(() => events.includes('+E:'));
      output = '[]';
      letters = ['C'];
      await waitFor(() => events.includes('-E:'));
      expect(events).toEqual(['+E:', '-E:']);
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
