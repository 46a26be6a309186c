// The recorder catalogue: which USB identities (VID/PID) are body-worn recorders, of which make and
// model, and whether their storage is plain mass storage or needs a vendor unlock first. It decides
// what the station ingests on its own: issue 4 says USB storage that is not a known recorder is
// reported, never ingested automatically, so a wrong entry here is an evidence-handling error.
// Hence strict hand validation (unknown keys are typos, not extensions), and every entry says
// where it comes from and whether anyone checked it against a real device.
//
// The shipped file is resources/recorders/catalogue.json; admins' additions and corrections live
// in the data directory and override shipped entries (mergeCatalogues).
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fromSystemError, StationError } from '../errors.ts';

export const CATALOGUE_FORMAT = 'evidence-station/recorder-catalogue';
export const CATALOGUE_VERSION = 1;

export type RecorderStorage = 'mass-storage' | 'vendor-unlock';

export type CatalogueEntry = {
  /** Stable id, lower-case: [a-z0-9][a-z0-9._-]*. */
  id: string;
  vendorId: number;
  productId: number;
  vendor: string;
  model: string;
  storage: RecorderStorage;
  /** For vendor-unlock: the id of the unlocker that opens it (e.g. "gab-dll:acme"); else null. */
  unlocker: string | null;
  /**
   * Whether a docked device with this identity is ingested without a custodian's confirmation.
   * False for identities shared with non-recorders (a generic chipset or gadget default).
   */
  autoIngest: boolean;
  /** Whether someone has checked this entry against a real device. */
  verified: boolean;
  /** Where the entry comes from: a device, a vendor document, a source file. */
  source: string;
  note: string | null;
};

export type RecorderCatalogue = { entries: CatalogueEntry[] };

/** The verdict the unlockers need (native/unlock/classify.ts has the same shape). */
export type RecorderClass = { storage: 'mass-storage' } | { storage: 'vendor-unlock'; unlocker: string };

const ENTRY_KEYS = new Set(['id', 'vendorId', 'productId', 'vendor', 'model', 'storage', 'unlocker', 'autoIngest', 'verified', 'source', 'note']);
const ROOT_KEYS = new Set(['format', 'version', 'comment', 'recorders']);
const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const UNLOCKER_ID = /^[a-z0-9][a-z0-9._:-]{0,63}$/;
const HEX16 = /^(0x)?[0-9a-fA-F]{4}$/;
const MAX_NAME = 200;
// Sources cite a file or a document; notes explain a judgement: both run longer than names.
const MAX_PROSE = 1000;

function invalid(path: string, reason: string): never {
  throw new StationError('input', 'catalogue.invalid', { path, reason });
}

function text(v: unknown, path: string, optional: boolean, max = MAX_NAME): string | null {
  if ((v === undefined || v === null) && optional) return null;
  if (typeof v !== 'string' || v.trim() === '') return invalid(path, 'expected a non-empty string');
  if (v.length > max) return invalid(path, `longer than ${max} characters`);
  return v.trim();
}

/** "0525", "0x0525" → 0x0525. Strings, as lsusb and Windows print them, so admins can paste. */
export function parseUsbId(v: unknown, path: string): number {
  if (typeof v !== 'string' || !HEX16.test(v)) return invalid(path, 'expected four hex digits, e.g. "0525"');
  return parseInt(v.replace(/^0x/, ''), 16);
}

export function formatUsbId(n: number): string {
  return n.toString(16).padStart(4, '0');
}

function parseEntry(raw: unknown, path: string): CatalogueEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return invalid(path, 'expected an object');
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!ENTRY_KEYS.has(key)) invalid(`${path}.${key}`, 'unknown field');
  const id = text(r.id, `${path}.id`, false)!;
  if (!ID.test(id)) invalid(`${path}.id`, 'lower-case letters, digits, ".", "_", "-" only');
  const storage = r.storage;
  if (storage !== 'mass-storage' && storage !== 'vendor-unlock') invalid(`${path}.storage`, 'expected "mass-storage" or "vendor-unlock"');
  const unlocker = text(r.unlocker, `${path}.unlocker`, true);
  if (storage === 'vendor-unlock') {
    if (unlocker === null) invalid(`${path}.unlocker`, 'required when storage is "vendor-unlock"');
    if (!UNLOCKER_ID.test(unlocker)) invalid(`${path}.unlocker`, 'not a valid unlocker id');
  } else if (unlocker !== null) {
    invalid(`${path}.unlocker`, 'only for storage "vendor-unlock"');
  }
  for (const flag of ['autoIngest', 'verified'] as const) {
    if (typeof r[flag] !== 'boolean') invalid(`${path}.${flag}`, 'expected true or false');
  }
  return {
    id,
    vendorId: parseUsbId(r.vendorId, `${path}.vendorId`),
    productId: parseUsbId(r.productId, `${path}.productId`),
    vendor: text(r.vendor, `${path}.vendor`, false)!,
    model: text(r.model, `${path}.model`, false)!,
    storage,
    unlocker,
    autoIngest: r.autoIngest as boolean,
    verified: r.verified as boolean,
    source: text(r.source, `${path}.source`, false, MAX_PROSE)!,
    note: text(r.note, `${path}.note`, true, MAX_PROSE),
  };
}

/** Checks a catalogue as a whole: one entry per id and per VID/PID, so a lookup is never ambiguous. */
function checkUnique(entries: CatalogueEntry[]): void {
  const ids = new Map<string, number>();
  const usb = new Map<string, number>();
  entries.forEach((e, i) => {
    const prevId = ids.get(e.id);
    if (prevId !== undefined) invalid(`recorders[${i}].id`, `duplicates recorders[${prevId}]`);
    ids.set(e.id, i);
    const key = `${formatUsbId(e.vendorId)}:${formatUsbId(e.productId)}`;
    const prevUsb = usb.get(key);
    if (prevUsb !== undefined) invalid(`recorders[${i}]`, `VID:PID ${key} duplicates recorders[${prevUsb}]`);
    usb.set(key, i);
  });
}

export function parseCatalogue(raw: unknown): RecorderCatalogue {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return invalid('(root)', 'expected an object');
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!ROOT_KEYS.has(key)) invalid(key, 'unknown field');
  if (r.format !== CATALOGUE_FORMAT) invalid('format', `expected "${CATALOGUE_FORMAT}"`);
  if (r.version !== CATALOGUE_VERSION) {
    // A newer file from a newer station is refused by name rather than half-understood.
    invalid('version', `this station reads version ${CATALOGUE_VERSION}, the file says ${JSON.stringify(r.version)}`);
  }
  if (r.comment !== undefined && typeof r.comment !== 'string') invalid('comment', 'expected a string');
  if (!Array.isArray(r.recorders)) return invalid('recorders', 'expected an array');
  const entries = r.recorders.map((e, i) => parseEntry(e, `recorders[${i}]`));
  checkUnique(entries);
  return { entries };
}

export function parseCatalogueJson(json: string): RecorderCatalogue {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    return invalid('(file)', `not JSON: ${(e as Error).message}`);
  }
  return parseCatalogue(raw);
}

export function serializeCatalogue(catalogue: RecorderCatalogue, comment?: string): string {
  const doc = {
    format: CATALOGUE_FORMAT,
    version: CATALOGUE_VERSION,
    ...(comment === undefined ? {} : { comment }),
    recorders: catalogue.entries.map((e) => ({
      id: e.id,
      vendorId: formatUsbId(e.vendorId),
      productId: formatUsbId(e.productId),
      vendor: e.vendor,
      model: e.model,
      storage: e.storage,
      unlocker: e.unlocker,
      autoIngest: e.autoIngest,
      verified: e.verified,
      source: e.source,
      note: e.note,
    })),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

export async function loadCatalogue(path: string): Promise<RecorderCatalogue> {
  let json: string;
  try {
    json = await readFile(path, 'utf8');
  } catch (e) {
    throw fromSystemError(e, path);
  }
  try {
    return parseCatalogueJson(json);
  } catch (e) {
    if (e instanceof StationError) throw new StationError(e.kind, e.code, { ...e.params, file: path }, { cause: e });
    throw e;
  }
}

/** An admin's catalogue that does not exist yet is an empty one. */
export async function loadCatalogueIfPresent(path: string): Promise<RecorderCatalogue> {
  try {
    return await loadCatalogue(path);
  } catch (e) {
    if (e instanceof StationError && e.code === 'io.not_found') return { entries: [] };
    throw e;
  }
}

/** Written whole or not at all: temp file → fsync → rename → fsync directory. */
export async function saveCatalogue(path: string, catalogue: RecorderCatalogue, comment?: string): Promise<void> {
  checkUnique(catalogue.entries);
  const dir = dirname(path);
  const tmp = join(dir, `.catalogue-${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(serializeCatalogue(catalogue, comment), 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    await fsyncDir(dir);
  } catch (e) {
    await rm(tmp, { force: true });
    throw fromSystemError(e, path);
  }
}

async function fsyncDir(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; NTFS journals the rename itself.
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch {
    // Some file systems (certain FUSE and network mounts) do not fsync directories.
  } finally {
    await fh.close();
  }
}

/**
 * The admin's entries over the shipped ones: same id replaces, and an admin entry for a VID/PID
 * the shipped file also lists replaces that shipped entry (the admin looked at the device).
 */
export function mergeCatalogues(shipped: RecorderCatalogue, local: RecorderCatalogue): RecorderCatalogue {
  const localIds = new Set(local.entries.map((e) => e.id));
  const localUsb = new Set(local.entries.map((e) => `${e.vendorId}:${e.productId}`));
  const kept = shipped.entries.filter((e) => !localIds.has(e.id) && !localUsb.has(`${e.vendorId}:${e.productId}`));
  const merged = [...kept, ...local.entries];
  checkUnique(merged);
  return { entries: merged };
}

/** Adds or replaces (by id) one entry; the result is checked as a whole. */
export function upsertEntry(catalogue: RecorderCatalogue, raw: unknown): RecorderCatalogue {
  const entry = parseEntry(raw, 'entry');
  const entries = catalogue.entries.some((e) => e.id === entry.id)
    ? catalogue.entries.map((e) => (e.id === entry.id ? entry : e))
    : [...catalogue.entries, entry];
  checkUnique(entries);
  return { entries };
}

export function removeEntry(catalogue: RecorderCatalogue, id: string): RecorderCatalogue {
  if (!catalogue.entries.some((e) => e.id === id)) throw new StationError('input', 'catalogue.no_such_entry', { id });
  return { entries: catalogue.entries.filter((e) => e.id !== id) };
}

export function lookupRecorder(catalogue: RecorderCatalogue, device: { vendorId: number; productId: number }): CatalogueEntry | null {
  return catalogue.entries.find((e) => e.vendorId === device.vendorId && e.productId === device.productId) ?? null;
}

/** What the device unlockers need to know; pass `(d) => classifyDevice(catalogue, d)` to native. */
export function classifyDevice(catalogue: RecorderCatalogue, device: { vendorId: number; productId: number }): RecorderClass | null {
  const entry = lookupRecorder(catalogue, device);
  if (!entry) return null;
  return entry.storage === 'vendor-unlock' ? { storage: 'vendor-unlock', unlocker: entry.unlocker! } : { storage: 'mass-storage' };
}

export function shippedCataloguePath(resourcesDir: string): string {
  return join(resourcesDir, 'recorders', 'catalogue.json');
}
