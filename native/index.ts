// The one entry point main and the CLI use: the platform's device adapters behind core's ports.
import type { MountedVolume, PlatformDevices, RecorderUnlocker, VolumeWatcher } from '../electron/core/devices/ports.ts';
import { LinuxVolumeWatcher } from './linux/volumes.ts';
import type { LinuxVolumeOptions } from './linux/volumes.ts';
import { WindowsVolumeWatcher } from './win32/volumes.ts';
import type { WindowsVolumeOptions } from './win32/volumes.ts';
import { DarwinVolumeWatcher } from './darwin/volumes.ts';
import type { DarwinVolumeOptions } from './darwin/volumes.ts';
import { PlatformUsbMonitor } from './usb/monitor.ts';
import type { UsbBackendStatus, UsbMonitorOptions } from './usb/monitor.ts';
import { MassStorageUnlocker } from './unlock/massStorage.ts';
import { GabDllUnlocker } from './unlock/gabDll.ts';
import type { GabDllConfig } from './unlock/gabDll.ts';
import { classifyNothing } from './unlock/classify.ts';
import type { ClassifyRecorder } from './unlock/classify.ts';
import { silentReporter } from './report.ts';
import type { Reporter } from './report.ts';

export type { NativeReport, Reporter } from './report.ts';
export type { ClassifyRecorder, RecorderClass } from './unlock/classify.ts';
export type { GabDllConfig } from './unlock/gabDll.ts';
export { validateGabDllConfig } from './unlock/gabDll.ts';
export type { UsbBackendStatus } from './usb/monitor.ts';

export type VolumeBackend = 'linux-mountinfo' | 'win32-cim' | 'darwin-diskutil' | 'none';

export type NativeDiagnostics = {
  platform: NodeJS.Platform;
  volumes: { backend: VolumeBackend; testedOnThisPlatform: boolean };
  usb: UsbBackendStatus;
  unlockers: { id: string; exercised: boolean }[];
};

export type NativeDevices = PlatformDevices & {
  /** What the adapters are running on and how far they were tested; for the About/diagnostics view. */
  diagnostics(): Promise<NativeDiagnostics>;
  /** Releases vendor DLLs. Watchers are stopped by the functions their watch() returned. */
  close(): Promise<void>;
};

export type NativeDevicesOptions = {
  platform?: NodeJS.Platform;
  /** The recorder catalogue's verdict on a device (core's catalogue.ts `classifyDevice`). */
  classify?: ClassifyRecorder;
  /** Vendor-DLL unlockers (validated with validateGabDllConfig); loaded only on Windows. */
  vendorDlls?: GabDllConfig[];
  report?: Reporter;
  linux?: LinuxVolumeOptions;
  win32?: WindowsVolumeOptions;
  darwin?: DarwinVolumeOptions;
  usb?: UsbMonitorOptions;
};

/** For platforms with no adapter: reports nothing rather than pretending. */
class NoVolumes implements VolumeWatcher {
  async current(): Promise<MountedVolume[]> {
    return [];
  }
  async watch(): Promise<() => Promise<void>> {
    return async () => {};
  }
}

export function createPlatformDevices(options: NativeDevicesOptions = {}): NativeDevices {
  const platform = options.platform ?? process.platform;
  const report = options.report ?? silentReporter;
  const classify = options.classify ?? classifyNothing;

  let volumes: VolumeWatcher;
  let backend: VolumeBackend;
  switch (platform) {
    case 'linux':
      volumes = new LinuxVolumeWatcher({ report, ...options.linux });
      backend = 'linux-mountinfo';
      break;
    case 'win32':
      volumes = new WindowsVolumeWatcher({ report, ...options.win32 });
      backend = 'win32-cim';
      break;
    case 'darwin':
      volumes = new DarwinVolumeWatcher({ report, ...options.darwin });
      backend = 'darwin-diskutil';
      break;
    default:
      report({ level: 'error', code: 'volumes.platform_unsupported', params: { platform } });
      volumes = new NoVolumes();
      backend = 'none';
  }

  const usb = new PlatformUsbMonitor({ platform, report, ...options.usb });

  const unlockers: RecorderUnlocker[] = [new MassStorageUnlocker(classify)];
  const dlls: GabDllUnlocker[] = [];
  for (const config of options.vendorDlls ?? []) {
    if (platform !== 'win32') {
      // The 公安部 vendor interface exists only as Windows DLLs; never try to load one elsewhere.
      report({ level: 'info', code: 'unlock.vendor_dll_skipped', params: { unlocker: config.id, platform } });
      continue;
    }
    const dll = new GabDllUnlocker(config, { classify, platform });
    dlls.push(dll);
    unlockers.push(dll);
  }

  return {
    volumes,
    usb,
    unlockers,
    async diagnostics() {
      return {
        platform,
        volumes: { backend, testedOnThisPlatform: backend === 'linux-mountinfo' },
        usb: await usb.status(),
        unlockers: unlockers.map((u) => ({ id: u.id, exercised: u.exercised })),
      };
    },
    async close() {
      await Promise.all(dlls.map((d) => d.close()));
    },
  };
}
