import { describe, expect, it } from 'vitest';
import { createPlatformDevices, validateGabDllConfig } from './index.ts';
import type { NativeReport } from './index.ts';
import { LinuxVolumeWatcher } from './linux/volumes.ts';
import { WindowsVolumeWatcher } from './win32/volumes.ts';
import { DarwinVolumeWatcher } from './darwin/volumes.ts';
import { GabDllUnlocker } from './unlock/gabDll.ts';

const dll = validateGabDllConfig({ id: 'gab-dll:acme', dllPath: 'C:\\Acme\\zfy.dll' });

describe('createPlatformDevices', () => {
  it('gives this Linux machine the mountinfo watcher, the usb package and the mass-storage unlocker only', async () => {
    const reports: NativeReport[] = [];
    const devices = createPlatformDevices({ platform: 'linux', vendorDlls: [dll], report: (r) => reports.push(r) });
    expect(devices.volumes).toBeInstanceOf(LinuxVolumeWatcher);
    expect(devices.unlockers.map((u) => u.id)).toEqual(['mass-storage']);
    // A configured vendor DLL is never loaded off Windows, and that is said.
    expect(reports).toContainEqual({ level: 'info', code: 'unlock.vendor_dll_skipped', params: { unlocker: 'gab-dll:acme', platform: 'linux' } });
    const diag = await devices.diagnostics();
    expect(diag).toMatchObject({
      platform: 'linux',
      volumes: { backend: 'linux-mountinfo', testedOnThisPlatform: true },
      unlockers: [{ id: 'mass-storage', exercised: true }],
    });
    expect(['usb-package', 'sysfs-poll']).toContain(diag.usb.backend);
    expect(Array.isArray(await devices.usb.list())).toBe(true);
    expect(Array.isArray(await devices.volumes.current())).toBe(true);
    await devices.close();
  });

  it('wires the Windows adapters, vendor DLL included but not loaded until used', async () => {
    const devices = createPlatformDevices({ platform: 'win32', vendorDlls: [dll], usb: { loadBinding: () => Promise.reject(new Error('not here')) } });
    expect(devices.volumes).toBeInstanceOf(WindowsVolumeWatcher);
    expect(devices.unlockers.map((u) => [u.id, u.exercised])).toEqual([
      ['mass-storage', true],
      ['gab-dll:acme', false],
    ]);
    expect(devices.unlockers[1]).toBeInstanceOf(GabDllUnlocker);
    expect((await devices.diagnostics()).volumes).toEqual({ backend: 'win32-cim', testedOnThisPlatform: false });
    await devices.close();
  });

  it('wires macOS, and admits having nothing for other systems', async () => {
    expect(createPlatformDevices({ platform: 'darwin' }).volumes).toBeInstanceOf(DarwinVolumeWatcher);
    const reports: NativeReport[] = [];
    const bsd = createPlatformDevices({ platform: 'freebsd', report: (r) => reports.push(r), usb: { loadBinding: () => Promise.reject(new Error('none')) } });
    expect(await bsd.volumes.current()).toEqual([]);
    expect(reports[0]).toMatchObject({ level: 'error', code: 'volumes.platform_unsupported' });
  });
});
