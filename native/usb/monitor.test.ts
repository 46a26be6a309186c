import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UsbDeviceInfo } from '../../electron/core/devices/ports.ts';
import { NativeUsbMonitor, PlatformUsbMonitor } from './monitor.ts';
import type { NativeUsbDevice, NativeUsbEmitter, UsbBinding } from './monitor.ts';
import { addFakeUsbDevice, removeFakeUsbDevice } from '../testing/fakeSysfs.ts';
import type { NativeReport } from '../report.ts';

let sys: string;
beforeEach(async () => {
  sys = await mkdtemp(join(tmpdir(), 'es-usbmon-'));
});
afterEach(async () => {
  await rm(sys, { recursive: true, force: true });
});

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A device object whose string getters fail the test if touched: they would open the device. */
function nativeDevice(vendorId: number, productId: number, bus: string, ports: number[], handle: string): NativeUsbDevice {
  const d = { vendorId, productId, bus, ports, handle };
  for (const getter of ['serialNumber', 'manufacturerName', 'productName', 'configuration']) {
    Object.defineProperty(d, getter, {
      get() {
        throw new Error(`${getter} read: that opens the device`);
      },
    });
  }
  return d;
}

function fakeBinding(devices: NativeUsbDevice[]): { binding: UsbBinding; attach(d: NativeUsbDevice): void; detach(handle: string): void; emitters: number } {
  let onAttach: ((d: NativeUsbDevice) => void) | null = null;
  let onDetach: ((h: string) => void) | null = null;
  const state = { emitters: 0 };
  class Emitter implements NativeUsbEmitter {
    constructor() {
      state.emitters++;
    }
    async addAttach(cb: (d: NativeUsbDevice) => void) {
      onAttach = cb;
    }
    async removeAttach() {
      onAttach = null;
    }
    async addDetach(cb: (h: string) => void) {
      onDetach = cb;
    }
    async removeDetach() {
      onDetach = null;
    }
  }
  return {
    binding: { nativeGetDevices: async () => [...devices], Emitter },
    attach: (d) => onAttach?.(d),
    detach: (h) => onDetach?.(h),
    get emitters() {
      return state.emitters;
    },
  };
}

describe('UsbMonitor over the real usb package', () => {
  it('loads the binding, lists (no USB bus in a container: empty) and watches without throwing', async () => {
    const reports: NativeReport[] = [];
    const monitor = new PlatformUsbMonitor({ report: (r) => reports.push(r) });
    const list = await monitor.list();
    expect(Array.isArray(list)).toBe(true);
    for (const d of list) {
      expect(d.vendorId).toBeTypeOf('number');
      expect(d.productId).toBeTypeOf('number');
    }
    expect(await monitor.status()).toEqual({ backend: 'usb-package', reason: null });
    const stop = await monitor.watch({ attached: () => {}, detached: () => {} });
    await stop();
    if (process.platform === 'linux' && !existsSync('/sys/bus/usb/devices')) {
      // A container: no bus at all. That is said, once, not hidden and not an error.
      expect(list).toEqual([]);
      expect(reports.filter((r) => r.code === 'usb.no_bus')).toEqual([{ level: 'info', code: 'usb.no_bus', params: { path: '/sys/bus/usb/devices' } }]);
    }
  });
});

describe('NativeUsbMonitor with a stand-in binding', () => {
  it('reads identity strings from sysfs on Linux, never from the device, and skips root hubs', async () => {
    await addFakeUsbDevice(sys, { name: '1-2', vendorId: '0525', productId: 'a4a5', serial: 'ZFY01', manufacturer: 'Acme', product: 'DSJ-A1' });
    const fake = fakeBinding([nativeDevice(0x1d6b, 0x0002, '001', [], 'hub'), nativeDevice(0x0525, 0xa4a5, '001', [2], 'h1')]);
    const monitor = new NativeUsbMonitor(fake.binding, { platform: 'linux', sysRoot: sys });
    expect(await monitor.list()).toEqual([
      { vendorId: 0x0525, productId: 0xa4a5, serialNumber: 'ZFY01', manufacturer: 'Acme', product: 'DSJ-A1', portPath: join(sys, 'bus/usb/devices/1-2') },
    ]);
  });

  it('leaves strings null elsewhere rather than opening the device', async () => {
    const fake = fakeBinding([nativeDevice(0x0525, 0xa4a5, '3', [1], 'h1')]);
    const monitor = new NativeUsbMonitor(fake.binding, { platform: 'win32' });
    expect(await monitor.list()).toEqual([{ vendorId: 0x0525, productId: 0xa4a5, serialNumber: null, manufacturer: null, product: null, portPath: null }]);
  });

  it('reports attach and detach in order, naming the detached device by its remembered identity', async () => {
    await addFakeUsbDevice(sys, { name: '1-3', vendorId: '1234', productId: '5678', serial: 'S1' });
    const fake = fakeBinding([]);
    const monitor = new NativeUsbMonitor(fake.binding, { platform: 'linux', sysRoot: sys });
    const events: string[] = [];
    const stop = await monitor.watch({
      attached: (d: UsbDeviceInfo) => events.push(`+${d.serialNumber}`),
      detached: (d: UsbDeviceInfo) => events.push(`-${d.serialNumber}`),
    });
    fake.attach(nativeDevice(0x1234, 0x5678, '001', [3], 'h3'));
    fake.detach('h3');
    fake.detach('never-seen');
    await waitFor('two events', () => (events.length === 2 ? true : undefined));
    expect(events).toEqual(['+S1', '-S1']);
    await stop();
    fake.attach(nativeDevice(0x1234, 0x5678, '001', [3], 'h4'));
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toHaveLength(2);
  });
});

describe('PlatformUsbMonitor fallback', () => {
  it('falls back to polling sysfs on Linux when the binding cannot load, and says so', async () => {
    const reports: NativeReport[] = [];
    const monitor = new PlatformUsbMonitor({
      platform: 'linux',
      sysRoot: sys,
      pollIntervalMs: 50,
      loadBinding: async () => {
        throw new Error('libusb not found');
      },
      report: (r) => reports.push(r),
    });
    expect(await monitor.status()).toEqual({ backend: 'sysfs-poll', reason: 'libusb not found' });
    expect(reports).toContainEqual({ level: 'warn', code: 'usb.backend_fallback', params: { backend: 'sysfs-poll', reason: 'libusb not found' } });
    expect(await monitor.list()).toEqual([]);

    const seen: string[] = [];
    const stop = await monitor.watch({ attached: (d) => seen.push(`+${d.serialNumber}`), detached: (d) => seen.push(`-${d.serialNumber}`) });
    try {
      const dev = { name: '2-1', vendorId: '0525', productId: 'a4a5', serial: 'POLL1' };
      const path = await addFakeUsbDevice(sys, dev);
      await waitFor('attach by polling', () => (seen.includes('+POLL1') ? true : undefined));
      await removeFakeUsbDevice(sys, dev, path);
      await waitFor('detach by polling', () => (seen.includes('-POLL1') ? true : undefined));
    } finally {
      await stop();
    }
  });

  it('reports no USB at all where there is no fallback', async () => {
    const reports: NativeReport[] = [];
    const monitor = new PlatformUsbMonitor({ platform: 'darwin', loadBinding: () => Promise.reject(new Error('no prebuilt')), report: (r) => reports.push(r) });
    expect(await monitor.list()).toEqual([]);
    expect(await monitor.status()).toEqual({ backend: 'none', reason: 'no prebuilt' });
    expect(reports[0]).toMatchObject({ level: 'error', code: 'usb.backend_unavailable' });
  });
});
