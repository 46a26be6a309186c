import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dropFromPageCache, RemovableWriter } from './removable.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'removable-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('removable-drive writer', () => {
  it('copies the staged tree with fsync, reads it back from the folder, refuses to overwrite, discards', async () => {
    mkdirSync(join(dir, 'src', 'FILES'), { recursive: true });
    writeFileSync(join(dir, 'src', 'README.txt'), 'r');
    writeFileSync(join(dir, 'src', 'FILES', '0001_记录.MP4'), Buffer.alloc(5 << 20, 3));
    const w = new RemovableWriter();
    expect(w.supports({ kind: 'dir', path: '/x' })).toBe(true);
    expect(w.supports({ kind: 'iso', path: '/x.iso' })).toBe(false);
    const progress: number[] = [];
    const req = {
      sourceDir: join(dir, 'src'),
      target: { kind: 'dir' as const, path: join(dir, 'usb', 'VOL') },
      volumeId: 'VOL',
      createdAt: new Date('2025-03-01T02:03:04.5Z'),
      totalBytes: (5 << 20) + 1,
      signal: new AbortController().signal,
      onProgress: (p: { bytes: number }) => progress.push(p.bytes),
    };
    mkdirSync(join(dir, 'usb'));
    const written = await w.write(req);
    expect(progress.at(-1)).toBe((5 << 20) + 1);
    expect(readFileSync(join(dir, 'usb', 'VOL', 'FILES', '0001_记录.MP4')).length).toBe(5 << 20);
    const reader = await w.openMedium(written);
    expect(await reader.list()).toEqual(['FILES/0001_记录.MP4', 'README.txt']);
    expect(await reader.hash('FILES/0001_记录.MP4')).toEqual({ sha256: createHash('sha256').update(Buffer.alloc(5 << 20, 3)).digest('hex'), size: 5 << 20 });
    expect(await reader.checkRecordedMd5()).toEqual({ checked: false, reason: 'folder' });
    expect(await reader.identity()).toEqual({ volumeId: null, mediaId: 'VOL/20250301020304500' });
    await expect(w.write(req)).rejects.toMatchObject({ code: 'io.failed' });
    await w.discard(written);
    expect(existsSync(join(dir, 'usb', 'VOL'))).toBe(false);
  });

  it('drops a file from the page cache on Linux (GNU dd iflag=nocache) and says so', () => {
    writeFileSync(join(dir, 'f'), 'x');
    expect(dropFromPageCache(join(dir, 'f'))).toBe(process.platform === 'linux');
    expect(dropFromPageCache(join(dir, 'f'), 'win32')).toBe(false);
  });
});
