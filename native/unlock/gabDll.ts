// Windows adapter for recorders that expose storage only after a vendor command, through the
// interface the 公安部 specified for 执法记录仪 and that vendors ship as a DLL with their 采集站
// software. What is publicly known of it (vendor headers and wrappers on GitHub), learnt not copied:
//   int Init_Device(char *IDCode, int *iRet);         connect to the docked recorder
//   int GetZFYInfo(ZFY_INFO *info, char *sPwd, int *iRet);   产品序号/警号/姓名/单位编号/单位名称
//   int SetMSDC(char *sPwd, int *iRet);                switch the recorder to mass-storage mode
//   void/int UnInit_Device(int *iRet);                 disconnect
//   int SyncDevTime(char *sPwd, int *iRet);            set the recorder's clock to the PC's
// Reading the recorder's clock is not in the headers seen; vendors that offer it are configured
// with `functions.getTime`, read as  int GetDevTime(char *sTime, char *sPwd, int *iRet)  filling
// sTime with the recorder's wall time as text (YYYYMMDDhhmmss or YYYY-MM-DD hh:mm:ss).
// Both clock functions are optional: a library without them still unlocks (issue 15 item 3).
// The return value is 1 on success, 0 on failure; iRet carries an acknowledgement code, commonly
// CONNECT_SUCCESS=1, CONNECT_FAILED=2, CHECK_PWD_SUCCESS=3, CHECK_PWD_FAILED=4, MSDC_SUCCESS=7,
// MSDC_FAILED=8. Calls are cdecl with ANSI strings in the headers seen; some vendors differ, and
// ZFY_INFO sizes differ (see zfyInfo.ts) — so DLL path, export names, calling convention, layout,
// text encoding and codes are all configuration.
//
// UNTESTED AGAINST REAL HARDWARE: no vendor DLL and no recorder were available. `exercised` is
// false so the UI says so. The binding itself (koffi, buffer layout, codes, serialisation) is
// tested on Linux against a stand-in C library built by the test; that is all.
//
// Also worth knowing before deploying: the interface carries no device handle — the DLL addresses
// "the" docked recorder of its make, so two of the same make docked at once are ambiguous (this
// adapter serialises its calls, it cannot disambiguate); and many vendor DLLs are 32-bit, which a
// 64-bit Electron cannot load (the error says so; the vendor must supply an x64 build).
import type { RecorderInfo, RecorderUnlocker, UsbDeviceInfo } from '../../electron/core/devices/ports.ts';
import { StationError } from '../../electron/core/errors.ts';
import type { ClassifyRecorder } from './classify.ts';
import { classifyNothing } from './classify.ts';
import { decodeZfyInfo, layoutSize, validateZfyLayout, ZFY_INFO_TERMINATED } from './zfyInfo.ts';
import type { ZfyInfoLayout } from './zfyInfo.ts';
import { errorText } from '../report.ts';

export type GabDllConfig = {
  /** Unique unlocker id, referenced by the catalogue's `unlocker` field, e.g. "gab-dll:acme". */
  id: string;
  /** Absolute path of the vendor DLL. */
  dllPath: string;
  /** Devices (in their pre-unlock identity) this DLL serves, besides those the catalogue assigns. */
  devices: { vendorId: number; productId: number }[];
  callingConvention: 'cdecl' | 'stdcall';
  functions: { init: string | null; uninit: string | null; getInfo: string; setMsdc: string; getTime: string | null; syncTime: string | null };
  /** Init_Device's IDCode argument (厂商代码/型号代码); empty where the vendor ignores it. */
  initIdCode: string;
  infoLayout: ZfyInfoLayout;
  /** WHATWG encoding label of the DLL's text (ANSI = gbk on a Chinese Windows). */
  textEncoding: string;
  /**
   * Password for GetZFYInfo when readInfo() is called before exposeStorage() (the port gives
   * readInfo no password). Null: such a readInfo returns null rather than guess.
   */
  infoPassword: string | null;
  codes: { success: number; notConnected: number[]; passwordRejected: number[] };
};

export const GAB_DLL_DEFAULTS: Omit<GabDllConfig, 'id' | 'dllPath' | 'devices'> = {
  callingConvention: 'cdecl',
  functions: { init: 'Init_Device', uninit: 'UnInit_Device', getInfo: 'GetZFYInfo', setMsdc: 'SetMSDC', getTime: 'GetDevTime', syncTime: 'SyncDevTime' },
  initIdCode: '',
  infoLayout: ZFY_INFO_TERMINATED,
  textEncoding: 'gbk',
  infoPassword: null,
  codes: { success: 1, notConnected: [2], passwordRejected: [4] },
};

const EXPORT_NAME = /^[A-Za-z_?@][A-Za-z0-9_?@$]{0,127}$/;

/** Hand validation of an adapter configuration from settings; fills defaults. */
export function validateGabDllConfig(raw: unknown): GabDllConfig {
  const bad = (field: string, reason: string): never => {
    throw new StationError('input', 'unlock.config_invalid', { field, reason });
  };
  if (typeof raw !== 'object' || raw === null) return bad('(root)', 'expected an object');
  const r = raw as Record<string, unknown>;
  const str = (field: string, v: unknown): string => (typeof v === 'string' && v !== '' ? v : bad(field, 'expected a non-empty string'));
  const id = str('id', r.id);
  const dllPath = str('dllPath', r.dllPath);
  const devices: GabDllConfig['devices'] = [];
  if (r.devices !== undefined) {
    if (!Array.isArray(r.devices)) bad('devices', 'expected an array');
    for (const [i, d] of (r.devices as unknown[]).entries()) {
      const { vendorId, productId } = (d ?? {}) as { vendorId?: unknown; productId?: unknown };
      const id16 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff;
      if (!id16(vendorId) || !id16(productId)) bad(`devices[${i}]`, 'vendorId and productId must be integers 0..0xffff');
      devices.push({ vendorId: vendorId as number, productId: productId as number });
    }
  }
  const cc = r.callingConvention ?? GAB_DLL_DEFAULTS.callingConvention;
  if (cc !== 'cdecl' && cc !== 'stdcall') bad('callingConvention', 'expected "cdecl" or "stdcall"');
  const fn = { ...GAB_DLL_DEFAULTS.functions, ...((r.functions ?? {}) as object) } as Record<string, unknown>;
  const exportName = (field: string, v: unknown, nullable: boolean): string | null => {
    if (v === null && nullable) return null;
    if (typeof v !== 'string' || !EXPORT_NAME.test(v)) return bad(`functions.${field}`, 'expected an exported symbol name');
    return v;
  };
  const functions = {
    init: exportName('init', fn.init, true),
    uninit: exportName('uninit', fn.uninit, true),
    getInfo: exportName('getInfo', fn.getInfo, false)!,
    setMsdc: exportName('setMsdc', fn.setMsdc, false)!,
    getTime: exportName('getTime', fn.getTime, true),
    syncTime: exportName('syncTime', fn.syncTime, true),
  };
  const initIdCode = r.initIdCode ?? GAB_DLL_DEFAULTS.initIdCode;
  if (typeof initIdCode !== 'string' || !isAsciiPrintable(initIdCode)) bad('initIdCode', 'expected an ASCII string');
  const infoLayout = r.infoLayout === undefined ? GAB_DLL_DEFAULTS.infoLayout : validateZfyLayout(r.infoLayout);
  const textEncoding = r.textEncoding ?? GAB_DLL_DEFAULTS.textEncoding;
  if (typeof textEncoding !== 'string') return bad('textEncoding', 'expected an encoding label');
  try {
    new TextDecoder(textEncoding);
  } catch {
    bad('textEncoding', `unknown encoding ${textEncoding}`);
  }
  const infoPassword = r.infoPassword ?? null;
  if (infoPassword !== null && (typeof infoPassword !== 'string' || !isAsciiPrintable(infoPassword))) bad('infoPassword', 'expected an ASCII string or null');
  const codesIn = (r.codes ?? {}) as Record<string, unknown>;
  const intList = (field: string, v: unknown, dflt: number[]): number[] => {
    if (v === undefined) return dflt;
    if (!Array.isArray(v) || !v.every((n) => Number.isInteger(n))) return bad(`codes.${field}`, 'expected an array of integers');
    return v as number[];
  };
  const success = codesIn.success ?? GAB_DLL_DEFAULTS.codes.success;
  if (!Number.isInteger(success)) bad('codes.success', 'expected an integer');
  return {
    id,
    dllPath,
    devices,
    callingConvention: cc as GabDllConfig['callingConvention'],
    functions,
    initIdCode: initIdCode as string,
    infoLayout,
    textEncoding,
    infoPassword: infoPassword as string | null,
    codes: {
      success: success as number,
      notConnected: intList('notConnected', codesIn.notConnected, GAB_DLL_DEFAULTS.codes.notConnected),
      passwordRejected: intList('passwordRejected', codesIn.passwordRejected, GAB_DLL_DEFAULTS.codes.passwordRejected),
    },
  };
}

function isAsciiPrintable(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

/** A NUL-terminated ANSI string the DLL can read; passwords and id codes are ASCII by contract. */
function cString(s: string, field: string): Buffer {
  if (!isAsciiPrintable(s)) throw new StationError('input', 'unlock.password_not_ascii', { field });
  return Buffer.concat([Buffer.from(s, 'latin1'), Buffer.alloc(1)]);
}

type DllFn = { async: (...args: unknown[]) => void };
type Loaded = { init: DllFn | null; uninit: DllFn | null; getInfo: DllFn; setMsdc: DllFn; getTime: DllFn | null; syncTime: DllFn | null; unload(): void };

/** Room for the recorder's time text; the longest form read is 19 characters. */
const TIME_TEXT_BYTES = 64;

/** The recorder's time text as 14 digits, or null when it is not a wall time in a known form. */
export function parseRecorderTimeText(text: string): string | null {
  const t = text.trim();
  const m = /^(\d{4})-?(\d{2})-?(\d{2})[ T]?(\d{2}):?(\d{2}):?(\d{2})$/.exec(t);
  return m ? m.slice(1).join('') : null;
}

/** What the adapter needs from koffi; injectable so a missing koffi is a clear error, not a crash. */
export type KoffiLike = {
  load(path: string): {
    func(convention: string, name: string, result: string, args: string[]): DllFn;
    unload(): void;
  };
};

export async function importKoffi(): Promise<KoffiLike> {
  const mod = (await import('koffi')) as unknown as KoffiLike & { default?: KoffiLike };
  return typeof mod.load === 'function' ? mod : mod.default!;
}

export type GabDllUnlockerOptions = {
  classify?: ClassifyRecorder;
  platform?: NodeJS.Platform;
  /**
   * The adapter refuses to load a library anywhere but Windows. Tests set this to run the same
   * binding against a stand-in shared library they build; production code never does.
   */
  allowNonWindows?: boolean;
  loadKoffi?: () => Promise<KoffiLike>;
};

function callAsync(fn: DllFn, args: unknown[]): Promise<number> {
  return new Promise((resolve, reject) => {
    // Off the main thread: a recorder can take seconds to answer, and the UI must not freeze.
    fn.async(...args, (err: unknown, res: unknown) => (err ? reject(err) : resolve(Number(res))));
  });
}

function deviceKey(d: UsbDeviceInfo): string {
  return `${d.vendorId}:${d.productId}:${d.serialNumber ?? d.portPath ?? ''}`;
}

export class GabDllUnlocker implements RecorderUnlocker {
  readonly id: string;
  readonly exercised = false;
  readonly config: GabDllConfig;
  readonly #classify: ClassifyRecorder;
  readonly #platform: NodeJS.Platform;
  readonly #allowNonWindows: boolean;
  readonly #loadKoffi: () => Promise<KoffiLike>;
  #loaded: Promise<Loaded> | null = null;
  /** The DLL keeps global device state, so calls never overlap. */
  #queue: Promise<unknown> = Promise.resolve();
  /** Info read while unlocking, so a later readInfo() needs no password. Memory only. */
  readonly #info = new Map<string, RecorderInfo>();

  constructor(config: GabDllConfig, options: GabDllUnlockerOptions = {}) {
    this.config = config;
    this.id = config.id;
    this.#classify = options.classify ?? classifyNothing;
    this.#platform = options.platform ?? process.platform;
    this.#allowNonWindows = options.allowNonWindows ?? false;
    this.#loadKoffi = options.loadKoffi ?? importKoffi;
  }

  handles(device: UsbDeviceInfo): boolean {
    if (this.config.devices.some((d) => d.vendorId === device.vendorId && d.productId === device.productId)) return true;
    const c = this.#classify(device);
    return c?.storage === 'vendor-unlock' && c.unlocker === this.id;
  }

  async readInfo(device: UsbDeviceInfo): Promise<RecorderInfo | null> {
    const cached = this.#info.get(deviceKey(device));
    if (cached) return cached;
    if (this.config.infoPassword === null) return null;
    const password = this.config.infoPassword;
    return this.#serial(async (dll) => {
      await this.#connect(dll);
      try {
        const info = await this.#getInfo(dll, password);
        this.#info.set(deviceKey(device), info);
        return info;
      } finally {
        await this.#disconnect(dll);
      }
    });
  }

  async exposeStorage(device: UsbDeviceInfo, adminPassword: string): Promise<void> {
    const pwd = cString(adminPassword, 'adminPassword');
    await this.#serial(async (dll) => {
      await this.#connect(dll);
      try {
        // Read identity first: once in mass-storage mode the recorder no longer answers the DLL.
        try {
          this.#info.set(deviceKey(device), await this.#getInfo(dll, adminPassword));
        } catch (e) {
          // A rejected password will also be rejected by SetMSDC: say so now. Other failures only
          // cost the vendor info; identity then comes from the file names.
          if (e instanceof StationError && e.code === 'recorder.password_rejected') throw e;
        }
        const iRet = new Int32Array(1);
        const result = await callAsync(dll.setMsdc, [pwd, iRet]);
        this.#check(this.config.functions.setMsdc, result, iRet[0]!);
      } finally {
        await this.#disconnect(dll);
      }
    });
  }

  async readClock(_device: UsbDeviceInfo, adminPassword: string): Promise<string | null> {
    const pwd = cString(adminPassword, 'adminPassword');
    return this.#serial(async (dll) => {
      if (!dll.getTime) return null;
      await this.#connect(dll);
      try {
        const buf = Buffer.alloc(TIME_TEXT_BYTES);
        const iRet = new Int32Array(1);
        const result = await callAsync(dll.getTime, [buf, pwd, iRet]);
        this.#check(this.config.functions.getTime!, result, iRet[0]!);
        const end = buf.indexOf(0);
        const text = buf.subarray(0, end < 0 ? buf.length : end).toString('latin1');
        const digits = parseRecorderTimeText(text);
        if (!digits) throw new StationError('io', 'recorder.clock_unreadable', { unlocker: this.id, text: text.slice(0, 40) });
        return digits;
      } finally {
        await this.#disconnect(dll);
      }
    });
  }

  async syncClock(_device: UsbDeviceInfo, adminPassword: string): Promise<boolean> {
    const pwd = cString(adminPassword, 'adminPassword');
    return this.#serial(async (dll) => {
      if (!dll.syncTime) return false;
      await this.#connect(dll);
      try {
        const iRet = new Int32Array(1);
        const result = await callAsync(dll.syncTime, [pwd, iRet]);
        this.#check(this.config.functions.syncTime!, result, iRet[0]!);
        return true;
      } finally {
        await this.#disconnect(dll);
      }
    });
  }

  /** Releases the DLL (station shutdown). */
  async close(): Promise<void> {
    await this.#queue.catch(() => {});
    const loaded = this.#loaded;
    this.#loaded = null;
    if (!loaded) return;
    try {
      (await loaded).unload();
    } catch {
      // Never loaded: nothing to release.
    }
  }

  #serial<T>(fn: (dll: Loaded) => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => fn(await this.#load()));
    this.#queue = run.catch(() => {});
    return run;
  }

  #load(): Promise<Loaded> {
    this.#loaded ??= this.#doLoad();
    // A failed load is retried next time (the admin may fix the path meanwhile).
    this.#loaded.catch(() => {
      this.#loaded = null;
    });
    return this.#loaded;
  }

  async #doLoad(): Promise<Loaded> {
    const { id, dllPath } = this.config;
    if (this.#platform !== 'win32' && !this.#allowNonWindows) {
      throw new StationError('state', 'unlock.platform_unsupported', { unlocker: id, platform: this.#platform });
    }
    let koffi: KoffiLike;
    try {
      koffi = await this.#loadKoffi();
    } catch (e) {
      throw new StationError('state', 'unlock.ffi_unavailable', { unlocker: id, reason: errorText(e) }, { cause: e });
    }
    let lib: ReturnType<KoffiLike['load']>;
    try {
      lib = koffi.load(dllPath);
    } catch (e) {
      // The usual reasons: wrong path, a 32-bit DLL in a 64-bit process, a missing vendor runtime.
      throw new StationError('io', 'unlock.library_load_failed', { unlocker: id, path: dllPath, reason: errorText(e) }, { cause: e });
    }
    const conv = this.config.callingConvention === 'stdcall' ? '__stdcall' : '__cdecl';
    const f = this.config.functions;
    const bind = (name: string, args: string[]): DllFn => {
      try {
        return lib.func(conv, name, 'int', args);
      } catch (e) {
        throw new StationError('io', 'unlock.symbol_missing', { unlocker: id, symbol: name, reason: errorText(e) }, { cause: e });
      }
    };
    const optional = (b: () => DllFn): DllFn | null => {
      try {
        return b();
      } catch {
        return null;
      }
    };
    try {
      return {
        init: f.init ? bind(f.init, ['uint8_t *', 'int *']) : null,
        // Declared int even where a header says void: the value is ignored, and reading a
        // register the callee did not set is harmless under both conventions.
        uninit: f.uninit ? bind(f.uninit, ['int *']) : null,
        getInfo: bind(f.getInfo, ['uint8_t *', 'uint8_t *', 'int *']),
        setMsdc: bind(f.setMsdc, ['uint8_t *', 'int *']),
        // The clock functions are optional extras of the interface: a library without them is
        // still an unlocker, it just cannot tell or set the time.
        getTime: f.getTime ? optional(() => bind(f.getTime!, ['uint8_t *', 'uint8_t *', 'int *'])) : null,
        syncTime: f.syncTime ? optional(() => bind(f.syncTime!, ['uint8_t *', 'int *'])) : null,
        unload: () => lib.unload(),
      };
    } catch (e) {
      lib.unload();
      throw e;
    }
  }

  async #connect(dll: Loaded): Promise<void> {
    if (!dll.init) return;
    const iRet = new Int32Array(1);
    const result = await callAsync(dll.init, [cString(this.config.initIdCode, 'initIdCode'), iRet]);
    this.#check(this.config.functions.init!, result, iRet[0]!);
  }

  async #disconnect(dll: Loaded): Promise<void> {
    if (!dll.uninit) return;
    // Best effort: the recorder may already have re-enumerated as a disk after SetMSDC.
    await callAsync(dll.uninit, [new Int32Array(1)]).catch(() => 0);
  }

  async #getInfo(dll: Loaded, password: string): Promise<RecorderInfo> {
    const record = Buffer.alloc(layoutSize(this.config.infoLayout));
    const iRet = new Int32Array(1);
    const result = await callAsync(dll.getInfo, [record, cString(password, 'password'), iRet]);
    this.#check(this.config.functions.getInfo, result, iRet[0]!);
    return decodeZfyInfo(record, this.config.infoLayout, this.config.textEncoding);
  }

  #check(fn: string, result: number, iRet: number): void {
    const { codes, id } = this.config;
    if (codes.passwordRejected.includes(iRet)) throw new StationError('denied', 'recorder.password_rejected', { unlocker: id, function: fn });
    if (result === codes.success) return;
    if (codes.notConnected.includes(iRet)) throw new StationError('io', 'recorder.not_connected', { unlocker: id, function: fn });
    throw new StationError('io', 'recorder.vendor_call_failed', { unlocker: id, function: fn, result, iRet });
  }
}
