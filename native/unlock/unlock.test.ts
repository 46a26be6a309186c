import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsbDeviceInfo } from '../../electron/core/devices/ports.ts';
import { StationError } from '../../electron/core/errors.ts';
import { MassStorageUnlocker } from './massStorage.ts';
import { GAB_DLL_DEFAULTS, GabDllUnlocker, validateGabDllConfig } from './gabDll.ts';
import type { GabDllConfig } from './gabDll.ts';
import { decodeZfyInfo, decodeZfyText, validateZfyLayout, ZFY_INFO_PACKED, ZFY_INFO_TERMINATED } from './zfyInfo.ts';
import type { ClassifyRecorder } from './classify.ts';

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
    expect(c.functions).toEqual({ init: null, uninit: 'UnInit_Device', getInfo: '_GetZFYInfo@12', setMsdc: 'SetMSDC' });
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

// The binding itself, against a stand-in for a vendor DLL: a C library with the 公安部 exports,
// built here with gcc and loaded through koffi exactly as the adapter loads a DLL on Windows. It
// proves the calling sequence, the buffers, the codes and the serialisation — not any vendor.
const STAND_IN = String.raw`
#include <string.h>
#include <unistd.h>
static int connected = 0, msdc = 0, inflight = 0, max_inflight = 0, inits = 0;
static void enter(void) { if (__sync_add_and_fetch(&inflight, 1) > max_inflight) max_inflight = inflight; usleep(20000); }
static void leave(void) { __sync_sub_and_fetch(&inflight, 1); }
int Init_Device(char *IDCode, int *iRet) { enter(); inits++; connected = strcmp(IDCode, "ZFY") == 0; *iRet = connected ? 1 : 2; leave(); return connected; }
int UnInit_Device(int *iRet) { connected = 0; *iRet = 1; return 1; }
int GetZFYInfo(unsigned char *info, char *sPwd, int *iRet) {
  enter();
  if (!connected) { *iRet = 2; leave(); return 0; }
  if (strcmp(sPwd, "123456") != 0) { *iRet = 4; leave(); return 0; }
  memset(info, 0, 94);
  memcpy(info, "1234567", 7); memcpy(info + 8, "654321", 6);
  memcpy(info + 15, "\xd5\xc5\xc8\xfd", 4);
  memcpy(info + 48, "110000000000", 12);
  memcpy(info + 61, "\xb1\xb1\xbe\xa9\xca\xd0\xb9\xab\xb0\xb2\xbe\xd6", 12);
  *iRet = 1; leave(); return 1;
}
int SetMSDC(char *sPwd, int *iRet) {
  enter();
  if (!connected) { *iRet = 2; leave(); return 0; }
  if (strcmp(sPwd, "123456") != 0) { *iRet = 4; leave(); return 0; }
  msdc++; *iRet = 7; leave(); return 1;
}
int es_msdc(void) { return msdc; }
int es_max_inflight(void) { return max_inflight; }
int es_inits(void) { return inits; }
`;

describe('vendor DLL adapter against a stand-in library (koffi, gcc)', () => {
  let dir: string;
  let lib: string;
  let skip: string | null = null;
  let probe: { msdc(): number; maxInflight(): number; inits(): number; unload(): void } | null = null;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'es-gabdll-'));
    const src = join(dir, 'standin.c');
    lib = join(dir, 'libstandin.so');
    await writeFile(src, STAND_IN);
    try {
      execFileSync('gcc', ['-shared', '-fPIC', '-O1', '-o', lib, src], { stdio: 'pipe' });
    } catch (e) {
      skip = `no C compiler to build the stand-in library: ${(e as Error).message.split('\n')[0]}`;
      return;
    }
    const koffi = (await import('koffi')).default;
    const h = koffi.load(lib);
    const msdc = h.func('int es_msdc(void)');
    const maxInflight = h.func('int es_max_inflight(void)');
    const inits = h.func('int es_inits(void)');
    probe = { msdc: () => msdc(), maxInflight: () => maxInflight(), inits: () => inits(), unload: () => h.unload() };
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
});
