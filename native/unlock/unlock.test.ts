import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsbDeviceInfo } from '../../electron/core/devices/ports.ts';
import { StationError } from '../../electron/core/errors.ts';
import { MassStorageUnlocker } from './massStorage.ts';
import { GAB_DLL_DEFAULTS, GabDllUnlocker, parseRecorderTimeText, validateGabDllConfig } from './gabDll.ts';
import type { GabDllConfig } from './gabDll.ts';
import { decodeZfyInfo, decodeZfyText, validateZfyLayout, ZFY_INFO_PACKED, ZFY_INFO_TERMINATED } from './zfyInfo.ts';
import type { ClassifyRecorder } from './classify.ts';
import { buildGabStandIn, type StandInProbe } from '../testing/gabStandIn.ts';

const dev = (vendorId: number, productId: number, serialNumber: string | null = null): UsbDeviceInfo => ({
  vendorId,
  productId,
  serialNumber,
  manufacturer: null,
  product: null,
  portPath: null,
});

const classify: ClassifyRecorder = (d) =>
  d.vendorId === 0x0525 ? { storage: 'mass-storage' } : d.vendorId === 0x2222 ? { storage: 'vendor-unlock', unlocker: 'gab-dll:test' } : null;

// GBK bytes: 张三, 北京市公安局.
const ZHANG_SAN = [0xd5, 0xc5, 0xc8, 0xfd];
const BEIJING_PSB = [0xb1, 0xb1, 0xbe, 0xa9, 0xca, 0xd0, 0xb9, 0xab, 0xb0, 0xb2, 0xbe, 0xd6];

function put(buf: Buffer, at: number, bytes: number[] | string): void {
  (typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes)).copy(buf, at);
}

describe('mass-storage unlocker', () => {
  it('handles what the catalogue calls mass storage, reads nothing, needs nothing', async () => {
    const u = new MassStorageUnlocker(classify);
    expect(u.id).toBe('mass-storage');
    expect(u.exercised).toBe(true);
    expect(u.handles(dev(0x0525, 0xa4a5))).toBe(true);
    expect(u.handles(dev(0x2222, 1))).toBe(false);
    expect(u.handles(dev(0x9999, 1))).toBe(false);
    expect(await u.readInfo(dev(0x0525, 0xa4a5))).toBeNull();
    await expect(u.exposeStorage(dev(0x0525, 0xa4a5), 'anything')).resolves.toBeUndefined();
  });
});

describe('ZFY_INFO decoding', () => {
  it('decodes the NUL-terminated 94-byte layout with GBK text', () => {
    const rec = Buffer.alloc(94);
    put(rec, 0, '1234567');
    put(rec, 8, '654321');
    put(rec, 15, ZHANG_SAN);
    put(rec, 48, '110000000000');
    put(rec, 61, BEIJING_PSB);
    expect(decodeZfyInfo(rec, ZFY_INFO_TERMINATED)).toEqual({
      deviceSerial: '1234567',
      officerId: '654321',
      officerName: '张三',
      unitCode: '110000000000',
      unitName: '北京市公安局',
    });
  });

  it('decodes the packed 89-byte layout whose fields fill their bytes', () => {
    const rec = Buffer.alloc(89, 0x20);
    put(rec, 0, '7654321');
    put(rec, 7, '000123');
    rec.fill(0xff, 13, 45); // erased flash: no name set
    put(rec, 45, '110000000001');
    put(rec, 57, BEIJING_PSB);
    expect(decodeZfyInfo(rec, ZFY_INFO_PACKED)).toEqual({
      deviceSerial: '7654321',
      officerId: '000123',
      officerName: null,
      unitCode: '110000000001',
      unitName: '北京市公安局',
    });
  });

  it('treats empty, blank and erased fields as not set', () => {
    expect(decodeZfyText(new Uint8Array(8), 'gbk')).toBeNull();
    expect(decodeZfyText(new Uint8Array([0x20, 0x20, 0]), 'gbk')).toBeNull();
    expect(decodeZfyText(new Uint8Array([0xff, 0xff]), 'gbk')).toBeNull();
    expect(decodeZfyText(new Uint8Array([0x41, 0, 0x42]), 'gbk')).toBe('A');
  });

  it('refuses a short record and bad layouts', () => {
    expect(() => decodeZfyInfo(new Uint8Array(10), ZFY_INFO_TERMINATED)).toThrow(RangeError);
    expect(() => validateZfyLayout({ fields: [] })).toThrow(StationError);
    expect(() => validateZfyLayout({ fields: [{ name: 'officerId', size: 0 }] })).toThrow(/size/);
    expect(() => validateZfyLayout({ fields: [{ name: 'nickname', size: 4 }] })).toThrow(/name/);
    expect(() => validateZfyLayout({ fields: [{ name: 'officerId', size: 4 }, { name: 'officerId', size: 4 }] })).toThrow(/twice/);
    expect(validateZfyLayout({ fields: [{ name: 'reserved', size: 2 }, { name: 'reserved', size: 2 }, { name: 'officerId', size: 6 }] }).fields).toHaveLength(3);
  });
});

describe('vendor DLL configuration', () => {
  it('fills the 公安部 defaults', () => {
    const c = validateGabDllConfig({ id: 'gab-dll:test', dllPath: 'C:\\Vendor\\zfy.dll' });
    expect(c).toEqual({ id: 'gab-dll:test', dllPath: 'C:\\Vendor\\zfy.dll', devices: [], ...GAB_DLL_DEFAULTS });
  });

  it('takes vendor variations', () => {
    const c = validateGabDllConfig({
      id: 'gab-dll:x',
      dllPath: 'x.dll',
      devices: [{ vendorId: 0x1234, productId: 0x0001 }],
      callingConvention: 'stdcall',
      functions: { init: null, getInfo: '_GetZFYInfo@12' },
      infoLayout: { fields: [{ name: 'deviceSerial', size: 7 }] },
      textEncoding: 'utf-8',
      codes: { passwordRejected: [4, 9] },
    });
    expect(c.functions).toEqual({ init: null, uninit: 'UnInit_Device', getInfo: '_GetZFYInfo@12', setMsdc: 'SetMSDC', getTime: 'GetDevTime', syncTime: 'SyncDevTime' });
    expect(c.codes).toEqual({ success: 1, notConnected: [2], passwordRejected: [4, 9] });
  });

  it.each([
    [{}, 'id'],
    [{ id: 'a', dllPath: 'x', callingConvention: 'fastcall' }, 'callingConvention'],
    [{ id: 'a', dllPath: 'x', functions: { setMsdc: 'Set MSDC' } }, 'functions.setMsdc'],
    [{ id: 'a', dllPath: 'x', devices: [{ vendorId: 70000, productId: 1 }] }, 'devices[0]'],
    [{ id: 'a', dllPath: 'x', textEncoding: 'klingon' }, 'textEncoding'],
    [{ id: 'a', dllPath: 'x', infoPassword: '密码' }, 'infoPassword'],
  ])('rejects %j at %s', (raw, field) => {
    try {
      validateGabDllConfig(raw);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(StationError);
      expect((e as StationError).code).toBe('unlock.config_invalid');
      expect((e as StationError).params.field).toBe(field);
    }
  });

  it('never loads a library off Windows unless a test asks', async () => {
    const u = new GabDllUnlocker(validateGabDllConfig({ id: 'gab-dll:test', dllPath: '/nonexistent.so', infoPassword: '1' }), {
      platform: 'linux',
      loadKoffi: () => {
        throw new Error('koffi must not even be imported');
      },
    });
    expect(u.exercised).toBe(false);
    await expect(u.readInfo(dev(0x2222, 1))).rejects.toMatchObject({ code: 'unlock.platform_unsupported' });
  });

  it('handles the devices it is configured for and those the catalogue assigns to it', () => {
    const u = new GabDllUnlocker(validateGabDllConfig({ id: 'gab-dll:test', dllPath: 'x', devices: [{ vendorId: 0x3333, productId: 7 }] }), { classify });
    expect(u.handles(dev(0x3333, 7))).toBe(true);
    expect(u.handles(dev(0x2222, 1))).toBe(true);
    expect(u.handles(dev(0x0525, 0xa4a5))).toBe(false);
  });
});

// The binding itself, against a stand-in for a vendor DLL (native/testing/gabStandIn.ts).

describe('vendor DLL adapter against a stand-in library (koffi, gcc)', () => {
  let dir: string;
  let lib: string;
  let skip: string | null = null;
  let probe: StandInProbe | null = null;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'es-gabdll-'));
    const built = await buildGabStandIn(dir);
    if ('skip' in built) {
      skip = built.skip;
      return;
    }
    lib = built.lib;
    probe = built.probe;
  });
  afterAll(async () => {
    probe?.unload();
    await rm(dir, { recursive: true, force: true });
  });

  const make = (over: Partial<GabDllConfig> = {}): GabDllUnlocker =>
    new GabDllUnlocker({ ...validateGabDllConfig({ id: 'gab-dll:test', dllPath: lib, initIdCode: 'ZFY' }), ...over }, { classify, platform: 'linux', allowNonWindows: true });

  it('reads 产品序号/警号/姓名/单位 and exposes storage with the admin password', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const u = make();
    const d = dev(0x2222, 1, 'A');
    // No password known yet and none configured: readInfo says nothing rather than guess.
    expect(await u.readInfo(d)).toBeNull();
    const before = probe!.msdc();
    await u.exposeStorage(d, '123456');
    expect(probe!.msdc()).toBe(before + 1);
    expect(await u.readInfo(d)).toEqual({
      deviceSerial: '1234567',
      officerId: '654321',
      officerName: '张三',
      unitCode: '110000000000',
      unitName: '北京市公安局',
    });
    await u.close();
  });

  it('maps a rejected password and a missing device to clear errors', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const u = make();
    const before = probe!.msdc();
    await expect(u.exposeStorage(dev(0x2222, 1), 'wrong')).rejects.toMatchObject({ kind: 'denied', code: 'recorder.password_rejected' });
    expect(probe!.msdc()).toBe(before);
    await expect(u.exposeStorage(dev(0x2222, 1), '密码')).rejects.toMatchObject({ code: 'unlock.password_not_ascii' });
    const notThere = make({ initIdCode: 'OTHER' });
    await expect(notThere.exposeStorage(dev(0x2222, 1), '123456')).rejects.toMatchObject({ kind: 'io', code: 'recorder.not_connected' });
    await u.close();
    await notThere.close();
  });

  it('uses a configured info password for readInfo before any unlock', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const u = make({ infoPassword: '123456' });
    expect((await u.readInfo(dev(0x2222, 1, 'B')))?.officerName).toBe('张三');
    await u.close();
  });

  it('never lets two calls into the DLL at once', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const u = make({ infoPassword: '123456' });
    await Promise.all([
      u.readInfo(dev(0x2222, 1, 'C1')),
      u.exposeStorage(dev(0x2222, 1, 'C2'), '123456'),
      u.readInfo(dev(0x2222, 1, 'C3')),
      u.exposeStorage(dev(0x2222, 1, 'C4'), '123456'),
    ]);
    expect(probe!.maxInflight()).toBe(1);
    await u.close();
  });

  it('names a missing export and a missing library', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const noSym = make({ functions: { ...GAB_DLL_DEFAULTS.functions, setMsdc: 'SetMSDC_v2' } });
    await expect(noSym.exposeStorage(dev(0x2222, 1), '123456')).rejects.toMatchObject({ code: 'unlock.symbol_missing', params: { symbol: 'SetMSDC_v2' } });
    const noLib = make({ dllPath: join(dir, 'absent.so') });
    await expect(noLib.exposeStorage(dev(0x2222, 1), '123456')).rejects.toMatchObject({ code: 'unlock.library_load_failed' });
  });

  it('issue 15: reads the recorder clock and sets it with SyncDevTime, before the storage is exposed', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const u = make();
    const d = dev(0x2222, 1, 'T');
    probe!.setDrift(3600);
    const expected = (offset: number) => new Date(Date.now() + offset * 1000 + 8 * 3600_000).toISOString().replace(/\D/g, '').slice(0, 14);
    const before = await u.readClock(d, '123456');
    // Allow the second to tick between the call and the check.
    expect([expected(3600), expected(3599)]).toContain(before);
    const syncs = probe!.syncs();
    expect(await u.syncClock(d, '123456')).toBe(true);
    expect(probe!.syncs()).toBe(syncs + 1);
    expect([expected(0), expected(-1)]).toContain(await u.readClock(d, '123456'));
    await expect(u.syncClock(d, 'wrong')).rejects.toMatchObject({ code: 'recorder.password_rejected' });
    expect(probe!.syncs()).toBe(syncs + 1);
    await u.close();
  });

  it('a library without clock functions still unlocks and says it has no clock', async (ctx) => {
    if (skip) return ctx.skip(skip);
    const u = make({ functions: { ...GAB_DLL_DEFAULTS.functions, getTime: 'GetDevTime_absent', syncTime: null } });
    const d = dev(0x2222, 1, 'U');
    expect(await u.readClock(d, '123456')).toBeNull();
    expect(await u.syncClock(d, '123456')).toBe(false);
    await u.exposeStorage(d, '123456');
    await u.close();
  });
});

describe('recorder time text', () => {
  it.each([
    ['2026-08-04 10:00:00', '20260804100000'],
    ['20260804100000', '20260804100000'],
    ['2026-08-04T10:00:00', '20260804100000'],
    ['4 Aug 2026', null],
    ['', null],
  ])('%j → %j', (text, digits) => {
    expect(parseRecorderTimeText(text)).toBe(digits);
  });
});
