// USB hot-plug and identification. The `usb` package (v3: node-usb-rs over the Rust nusb crate,
// Node-API, no libusb) enumerates from the OS's device database without opening anything. Its
// public WebUSB wrapper is not used: its `serialNumber`/`manufacturerName`/`productName` getters
// OPEN the device when the OS did not cache the string, and its hot-plug listener fires an
// enumeration whose failure is an unhandled rejection (fatal in Node) on a machine without
// /sys/bus/usb, such as this build container. So the monitor talks to the package's Node-API
// binding (`usb/index.js`: `nativeGetDevices`, `Emitter`) and reads only the plain descriptor
// fields (vendorId, productId, bus, ports); on Linux the strings come from sysfs instead.
//
// When the binding cannot load (no prebuilt for this platform, a broken install), Linux falls back
// to polling sysfs — the same data nusb reads — and the fallback is reported, never silent.
import { access } from 'node:fs/promises';
import type { UsbDeviceInfo, UsbMonitor } from '../../electron/core/devices/ports.ts';
import { DEFAULT_SYSFS_ROOT, listSysfsUsbDevices, readUsbDeviceByPort, usbDevicesDir } from './sysfs.ts';
import { startSnapshotWatch } from '../snapshotWatch.ts';
import type { Keyed } from '../snapshotWatch.ts';
import { callListener, errorText, silentReporter } from '../report.ts';
import type { Reporter } from '../report.ts';

/** The part of the binding's device object the station reads; the string getters are left alone. */
export type NativeUsbDevice = {
  readonly vendorId: number;
  readonly productId: number;
  /** nusb's bus id: the bus number on Linux ("001"), a controller id elsewhere. */
  readonly bus: string;
  readonly ports: number[];
  readonly handle: string;
};

export type NativeUsbEmitter = {
  addAttach(cb: (device: NativeUsbDevice) => void): Promise<void>;
  removeAttach(): Promise<void>;
  addDetach(cb: (handle: string) => void): Promise<void>;
  removeDetach(): Promise<void>;
};

export type UsbBinding = {
  nativeGetDevices(): Promise<NativeUsbDevice[]>;
  Emitter: new () => NativeUsbEmitter;
};

export async function loadUsbBinding(): Promise<UsbBinding> {
  const mod = (await import('usb/index.js')) as unknown as UsbBinding & { default?: UsbBinding };
  const binding = typeof mod.nativeGetDevices === 'function' ? mod : mod.default;
  if (!binding || typeof binding.nativeGetDevices !== 'function' || typeof binding.Emitter !== 'function') {
    throw new Error('usb binding lacks nativeGetDevices/Emitter');
  }
  return binding;
}

export type UsbBackend = 'usb-package' | 'sysfs-poll' | 'none';
export type UsbBackendStatus = { backend: UsbBackend; reason: string | null };

export type UsbMonitorOptions = {
  platform?: NodeJS.Platform;
  sysRoot?: string;
  /** Injectable for tests; defaults to importing the `usb` package. */
  loadBinding?: () => Promise<UsbBinding>;
  /** Poll period of the sysfs fallback (default 1000 ms). */
  pollIntervalMs?: number;
  report?: Reporter;
};

/** Maps a binding device to the port's shape without touching anything that may open the device. */
export async function describeNativeDevice(device: NativeUsbDevice, platform: NodeJS.Platform, sysRoot: string): Promise<UsbDeviceInfo> {
  const base: UsbDeviceInfo = {
    vendorId: device.vendorId,
    productId: device.productId,
    serialNumber: null,
    manufacturer: null,
    product: null,
    portPath: null,
  };
  if (platform !== 'linux') return base;
  const fromSysfs = await readUsbDeviceByPort(Number(device.bus), device.ports, sysRoot);
  // The sysfs entry can vanish between the event and the read (a quick unplug): keep the ids.
  return fromSysfs && fromSysfs.vendorId === device.vendorId && fromSysfs.productId === device.productId ? fromSysfs : base;
}

function isRootHub(device: NativeUsbDevice, platform: NodeJS.Platform): boolean {
  return platform === 'linux' && device.ports.length === 0;
}

/** The monitor over the `usb` binding. */
export class NativeUsbMonitor implements UsbMonitor {
  readonly #binding: UsbBinding;
  readonly #platform: NodeJS.Platform;
  readonly #sysRoot: string;
  readonly #report: Reporter;
  #noBusReported = false;

  constructor(binding: UsbBinding, options: { platform?: NodeJS.Platform; sysRoot?: string; report?: Reporter } = {}) {
    this.#binding = binding;
    this.#platform = options.platform ?? process.platform;
    this.#sysRoot = options.sysRoot ?? DEFAULT_SYSFS_ROOT;
    this.#report = options.report ?? silentReporter;
  }

  async #nativeList(): Promise<NativeUsbDevice[]> {
    try {
      return (await this.#binding.nativeGetDevices()).filter((d) => !isRootHub(d, this.#platform));
    } catch (e) {
      // nusb fails outright when /sys/bus/usb/devices is missing (containers): that is a machine
      // with no visible USB bus, which the station reports once and treats as empty.
      if (this.#platform === 'linux' && !(await exists(usbDevicesDir(this.#sysRoot)))) {
        if (!this.#noBusReported) this.#report({ level: 'info', code: 'usb.no_bus', params: { path: usbDevicesDir(this.#sysRoot) } });
        this.#noBusReported = true;
        return [];
      }
      throw e;
    }
  }

  async list(): Promise<UsbDeviceInfo[]> {
    const devices = await this.#nativeList();
    return Promise.all(devices.map((d) => describeNativeDevice(d, this.#platform, this.#sysRoot)));
  }

  async watch(listener: { attached(device: UsbDeviceInfo): void; detached(device: UsbDeviceInfo): void }): Promise<() => Promise<void>> {
    // A detach event carries only the handle, so remember what each handle was.
    const known = new Map<string, UsbDeviceInfo>();
    for (const d of await this.#nativeList()) known.set(d.handle, await describeNativeDevice(d, this.#platform, this.#sysRoot));
    const emitter = new this.#binding.Emitter();
    let stopped = false;
    // Events are described asynchronously (sysfs reads); chain them so an attach and a fast detach
    // of the same device reach the listener in order.
    let chain: Promise<void> = Promise.resolve();
    const enqueue = (step: () => Promise<void>): void => {
      chain = chain.then(step).catch((e) => this.#report({ level: 'warn', code: 'usb.event_failed', params: { reason: errorText(e) } }));
    };
    await emitter.addAttach((device) =>
      enqueue(async () => {
        if (stopped || isRootHub(device, this.#platform)) return;
        const info = await describeNativeDevice(device, this.#platform, this.#sysRoot);
        known.set(device.handle, info);
        callListener(this.#report, 'usb.attached', () => listener.attached(info));
      }),
    );
    await emitter.addDetach((handle) =>
      enqueue(async () => {
        if (stopped) return;
        const info = known.get(handle);
        known.delete(handle);
        if (info) callListener(this.#report, 'usb.detached', () => listener.detached(info));
      }),
    );
    return async () => {
      stopped = true;
      await emitter.removeAttach();
      await emitter.removeDetach();
      await chain;
    };
  }
}

function usbKey(d: UsbDeviceInfo): string {
  return `${d.portPath ?? ''}|${d.vendorId}:${d.productId}|${d.serialNumber ?? ''}`;
}

/** Linux fallback when the binding is unavailable: the same sysfs data, polled. */
export class SysfsUsbMonitor implements UsbMonitor {
  readonly #sysRoot: string;
  readonly #pollIntervalMs: number;
  readonly #report: Reporter;

  constructor(options: { sysRoot?: string; pollIntervalMs?: number; report?: Reporter } = {}) {
    this.#sysRoot = options.sysRoot ?? DEFAULT_SYSFS_ROOT;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.#report = options.report ?? silentReporter;
  }

  list(): Promise<UsbDeviceInfo[]> {
    return listSysfsUsbDevices(this.#sysRoot);
  }

  async #snapshot(): Promise<Keyed<UsbDeviceInfo>> {
    return new Map((await this.list()).map((d) => [usbKey(d), d]));
  }

  async watch(listener: { attached(device: UsbDeviceInfo): void; detached(device: UsbDeviceInfo): void }): Promise<() => Promise<void>> {
    const poll = startSnapshotWatch({
      scan: () => this.#snapshot(),
      initial: await this.#snapshot(),
      intervalMs: this.#pollIntervalMs,
      onAdded: (d) => listener.attached(d),
      onRemoved: (d) => listener.detached(d),
      report: this.#report,
      scanFailedCode: 'usb.scan_failed',
    });
    return () => poll.stop();
  }
}

/** Where neither the binding nor sysfs is available: nothing is ever attached. */
export class UnavailableUsbMonitor implements UsbMonitor {
  async list(): Promise<UsbDeviceInfo[]> {
    return [];
  }
  async watch(): Promise<() => Promise<void>> {
    return async () => {};
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The station's UsbMonitor: picks the backend on first use (loading the binding is asynchronous)
 * and says which one it picked through `status()` and the reporter.
 */
export class PlatformUsbMonitor implements UsbMonitor {
  readonly #options: UsbMonitorOptions;
  #chosen: Promise<{ monitor: UsbMonitor; status: UsbBackendStatus }> | null = null;

  constructor(options: UsbMonitorOptions = {}) {
    this.#options = options;
  }

  #choose(): Promise<{ monitor: UsbMonitor; status: UsbBackendStatus }> {
    this.#chosen ??= this.#load();
    return this.#chosen;
  }

  async #load(): Promise<{ monitor: UsbMonitor; status: UsbBackendStatus }> {
    const platform = this.#options.platform ?? process.platform;
    const report = this.#options.report ?? silentReporter;
    const sysRoot = this.#options.sysRoot ?? DEFAULT_SYSFS_ROOT;
    try {
      const binding = await (this.#options.loadBinding ?? loadUsbBinding)();
      return { monitor: new NativeUsbMonitor(binding, { platform, sysRoot, report }), status: { backend: 'usb-package', reason: null } };
    } catch (e) {
      const reason = errorText(e);
      if (platform === 'linux') {
        report({ level: 'warn', code: 'usb.backend_fallback', params: { backend: 'sysfs-poll', reason } });
        return {
          monitor: new SysfsUsbMonitor({ sysRoot, pollIntervalMs: this.#options.pollIntervalMs ?? 1000, report }),
          status: { backend: 'sysfs-poll', reason },
        };
      }
      report({ level: 'error', code: 'usb.backend_unavailable', params: { platform, reason } });
      return { monitor: new UnavailableUsbMonitor(), status: { backend: 'none', reason } };
    }
  }

  async status(): Promise<UsbBackendStatus> {
    return (await this.#choose()).status;
  }

  async list(): Promise<UsbDeviceInfo[]> {
    return (await this.#choose()).monitor.list();
  }

  async watch(listener: { attached(device: UsbDeviceInfo): void; detached(device: UsbDeviceInfo): void }): Promise<() => Promise<void>> {
    return (await this.#choose()).monitor.watch(listener);
  }
}
