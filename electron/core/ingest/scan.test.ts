import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { displayName, entryPath, scanSource } from './scan.ts';

const dir = mkdtempSync(join(tmpdir(), 'scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scanSource', () => {
  it('lists every entry depth-first in byte order, never following links', async () => {
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'b', '2.mp4'), 'two');
    writeFileSync(join(dir, 'a.mp4'), 'one');
    writeFileSync(join(dir, 'c\u0007.mp4'), 'bell');
    symlinkSync('b', join(dir, 'link-to-b'));
    symlinkSync('../../outside', join(dir, 'b', 'up'));
    const { entries } = await scanSource(dir);
    expect(entries.map((e) => [e.path, e.type, e.skip?.reason ?? null])).toEqual([
      ['a.mp4', 'file', null],
      ['b/2.mp4', 'file', null],
      ['b/up', 'symlink', 'ingest.symlink_outside_source'],
      ['c\u0007.mp4', 'file', null],
      ['link-to-b', 'symlink', 'ingest.symlink_not_followed'],
    ]);
    expect(entries[0]).toMatchObject({ size: 3 });
    expect(entryPath(dir, entries[1]!.segments).toString()).toBe(join(dir, 'b', '2.mp4'));
  });

  it('refuses a root that is not a folder', async () => {
    await expect(scanSource(join(dir, 'a.mp4'))).rejects.toMatchObject({ kind: 'io' });
    await expect(scanSource(join(dir, 'missing'))).rejects.toMatchObject({ code: 'io.not_found' });
  });
});

describe('displayName', () => {
  it('keeps UTF-8 as it is and escapes bytes that are not, so different names stay different', () => {
    expect(displayName(Buffer.from('执法_0001.MP4'))).toBe('执法_0001.MP4');
    expect(displayName(Buffer.from([0x61, 0xff, 0x5c]))).toBe('a\\xff\\x5c');
    expect(displayName(Buffer.from([0x61, 0xfe]))).not.toBe(displayName(Buffer.from([0x61, 0xff])));
  });
});
