import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StationError } from '../errors.ts';
import {
  CATALOGUE_FORMAT,
  classifyDevice,
  loadCatalogue,
  loadCatalogueIfPresent,
  lookupRecorder,
  mergeCatalogues,
  parseCatalogue,
  parseCatalogueJson,
  removeEntry,
  saveCatalogue,
  serializeCatalogue,
  shippedCataloguePath,
  upsertEntry,
} from './catalogue.ts';

const resources = fileURLToPath(new URL('../../../resources/', import.meta.url));

const entry = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'acme-dsj-a1',
  vendorId: '1234',
  productId: '0x00AB',
  vendor: '示例厂商 (example)',
  model: 'DSJ-A1',
  storage: 'mass-storage',
  unlocker: null,
  autoIngest: true,
  verified: false,
  source: 'test fixture',
  note: null,
  ...over,
});
const doc = (recorders: unknown[]): Record<string, unknown> => ({ format: CATALOGUE_FORMAT, version: 1, recorders });

function codeOf(fn: () => unknown): { code: string; path: unknown } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StationError);
    return { code: (e as StationError).code, path: (e as StationError).params.path };
  }
  throw new Error('did not throw');
}

describe('recorder catalogue', () => {
  it('ships a catalogue that validates', async () => {
    const cat = await loadCatalogue(shippedCataloguePath(resources));
    expect(cat.entries.length).toBeGreaterThan(0);
    for (const e of cat.entries) {
      // Every shipped entry says where it comes from; nothing shipped claims a check nobody made.
      expect(e.source.length).toBeGreaterThan(10);
      if (!e.verified) expect(e.note).not.toBeNull();
    }
    const gadget = lookupRecorder(cat, { vendorId: 0x0525, productId: 0xa4a5 });
    expect(gadget).toMatchObject({ storage: 'mass-storage', autoIngest: false });
  });

  it('parses ids as hex and classifies devices', () => {
    const cat = parseCatalogue(doc([entry(), entry({ id: 'acme-b2', productId: '00ac', storage: 'vendor-unlock', unlocker: 'gab-dll:acme' })]));
    expect(cat.entries[0]).toMatchObject({ vendorId: 0x1234, productId: 0xab, vendor: '示例厂商 (example)' });
    expect(classifyDevice(cat, { vendorId: 0x1234, productId: 0xab })).toEqual({ storage: 'mass-storage' });
    expect(classifyDevice(cat, { vendorId: 0x1234, productId: 0xac })).toEqual({ storage: 'vendor-unlock', unlocker: 'gab-dll:acme' });
    expect(classifyDevice(cat, { vendorId: 0x1234, productId: 0xad })).toBeNull();
  });

  it.each([
    ['a non-object', 42, '(root)'],
    ['a wrong format tag', { format: 'x', version: 1, recorders: [] }, 'format'],
    ['a newer version', { format: CATALOGUE_FORMAT, version: 2, recorders: [] }, 'version'],
    ['an unknown root key', { ...doc([]), extra: 1 }, 'extra'],
    ['a typo in a field name', doc([{ ...entry(), vendorID: '1234' }]), 'recorders[0].vendorID'],
    ['a numeric VID', doc([entry({ vendorId: 0x1234 })]), 'recorders[0].vendorId'],
    ['a five-digit PID', doc([entry({ productId: '12345' })]), 'recorders[0].productId'],
    ['an upper-case id', doc([entry({ id: 'Acme' })]), 'recorders[0].id'],
    ['an unknown storage', doc([entry({ storage: 'mtp' })]), 'recorders[0].storage'],
    ['vendor-unlock without unlocker', doc([entry({ storage: 'vendor-unlock' })]), 'recorders[0].unlocker'],
    ['an unlocker on mass storage', doc([entry({ unlocker: 'gab-dll:x' })]), 'recorders[0].unlocker'],
    ['a missing flag', doc([entry({ verified: undefined })]), 'recorders[0].verified'],
    ['an empty vendor', doc([entry({ vendor: ' ' })]), 'recorders[0].vendor'],
    ['a missing source', doc([entry({ source: undefined })]), 'recorders[0].source'],
    ['a duplicate id', doc([entry(), entry({ productId: '0001' })]), 'recorders[1].id'],
    ['a duplicate VID:PID', doc([entry(), entry({ id: 'other', productId: '00ab' })]), 'recorders[1]'],
  ])('refuses %s', (_what, raw, path) => {
    expect(codeOf(() => parseCatalogue(raw))).toEqual({ code: 'catalogue.invalid', path });
  });

  it('refuses a file that is not JSON, and names the file', async () => {
    expect(codeOf(() => parseCatalogueJson('{ nope'))).toMatchObject({ code: 'catalogue.invalid', path: '(file)' });
    const dir = await mkdtemp(join(tmpdir(), 'es-cat-'));
    try {
      await writeFile(join(dir, 'bad.json'), '[]');
      await expect(loadCatalogue(join(dir, 'bad.json'))).rejects.toMatchObject({ code: 'catalogue.invalid', params: { file: join(dir, 'bad.json') } });
      await expect(loadCatalogue(join(dir, 'absent.json'))).rejects.toMatchObject({ code: 'io.not_found' });
      expect(await loadCatalogueIfPresent(join(dir, 'absent.json'))).toEqual({ entries: [] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('admin edits', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'es-cat-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('upserts, removes, saves atomically and reads back the same', async () => {
      let cat = upsertEntry({ entries: [] }, entry());
      cat = upsertEntry(cat, entry({ id: 'acme-b2', productId: '00ac', storage: 'vendor-unlock', unlocker: 'gab-dll:acme' }));
      cat = upsertEntry(cat, entry({ model: 'DSJ-A1 (rev 2)' }));
      expect(cat.entries.map((e) => e.model)).toEqual(['DSJ-A1 (rev 2)', 'DSJ-A1']);
      expect(codeOf(() => upsertEntry(cat, entry({ id: 'clash', productId: '00ac' }))).code).toBe('catalogue.invalid');
      expect(codeOf(() => removeEntry(cat, 'nope')).code).toBe('catalogue.no_such_entry');

      const path = join(dir, 'nested', 'recorders.json');
      await saveCatalogue(path, cat, 'agency additions');
      expect(await loadCatalogue(path)).toEqual(cat);
      // No temp file is left beside it, and the text is the stable serialisation.
      expect(await readdir(join(dir, 'nested'))).toEqual(['recorders.json']);
      const text = await readFile(path, 'utf8');
      expect(text).toBe(serializeCatalogue(cat, 'agency additions'));
      expect(text).toContain('"productId": "00ab"');

      const smaller = removeEntry(cat, 'acme-b2');
      await saveCatalogue(path, smaller);
      expect((await loadCatalogue(path)).entries.map((e) => e.id)).toEqual(['acme-dsj-a1']);
    });

    it('lets an admin entry override a shipped one by id or by VID:PID', () => {
      const shipped = parseCatalogue(doc([entry(), entry({ id: 'generic', vendorId: '0525', productId: 'a4a5', autoIngest: false })]));
      const local = parseCatalogue(doc([entry({ id: 'our-gadget-recorder', vendorId: '0525', productId: 'a4a5', autoIngest: true, verified: true, source: 'checked on unit 17' })]));
      const merged = mergeCatalogues(shipped, local);
      expect(merged.entries.map((e) => e.id)).toEqual(['acme-dsj-a1', 'our-gadget-recorder']);
      expect(lookupRecorder(merged, { vendorId: 0x0525, productId: 0xa4a5 })?.autoIngest).toBe(true);
    });
  });
});
