// The xorriso writer and reader for real, on image files through the stdio: pseudo-drive: what
// is written reads back byte for byte, in both read-back modes (extents of the image, and the
// -concat stream used for real drives); a damaged image is caught; a cancelled write stops xorriso.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { XorrisoMediumReader, XorrisoWriter } from './xorrisoWriter.ts';
import { XorrisoDrives } from './xorrisoDrives.ts';
import { findExecutable } from './xorrisoProcess.ts';
import type { WriteProgress } from '../../electron/core/discs/ports.ts';

const binary = findExecutable('xorriso');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xorriso-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function stage(): Record<string, Buffer> {
  const files: Record<string, Buffer> = {
    'README.txt': Buffer.from('说明 / readme\n'),
    'FILES/0001_执法 记录.MP4': Buffer.alloc(3 * 1024 * 1024 + 17, 7),
    "FILES/0002_a'b [c]*.MP4": Buffer.from('quoted'),
    'FILES/0003_empty.MP4': Buffer.alloc(0),
    'LEDGER/proofs.json': Buffer.from('{}'),
  };
  for (const [p, b] of Object.entries(files)) {
    mkdirSync(join(dir, 'src', p, '..'), { recursive: true });
    writeFileSync(join(dir, 'src', p), b);
  }
  return files;
}

async function write(writer: XorrisoWriter, image: string, progress: WriteProgress[] = [], signal = new AbortController().signal) {
  return writer.write({
    sourceDir: join(dir, 'src'),
    target: { kind: 'iso', path: image },
    volumeId: 'TEST_VOL_1OF1',
    createdAt: new Date('2025-03-01T02:03:04Z'),
    totalBytes: 3 * 1024 * 1024,
    signal,
    onProgress: (p) => progress.push(p),
  });
}

describe.skipIf(!binary)('xorriso writer on a stdio: image', () => {
  it('writes, then reads back every file by extent and by xorriso stream, identical to the source', async () => {
    const files = stage();
    const writer = new XorrisoWriter({ binary: binary! });
    const image = join(dir, 'out.iso');
    const progress: WriteProgress[] = [];
    const written = await write(writer, image, progress);
    expect(written).toMatchObject({ writer: 'xorriso', volumeId: 'TEST_VOL_1OF1', target: { kind: 'iso', path: image } });
    expect(progress.at(-1)).toMatchObject({ phase: 'writing', bytes: 3 * 1024 * 1024 });

    for (const stream of [false, true]) {
      const reader = await XorrisoMediumReader.open(binary!, { kind: 'iso', path: image }, { stream });
      expect(await reader.list()).toEqual(Object.keys(files).sort());
      for (const [p, b] of Object.entries(files)) {
        expect(await reader.hash(p), `${p} (stream ${stream})`).toEqual({ sha256: sha(b), size: b.length });
      }
      expect((await reader.read('README.txt'))?.toString()).toBe('说明 / readme\n');
      expect(await reader.read('nope')).toBeNull();
      expect(await reader.identity()).toEqual({ volumeId: 'TEST_VOL_1OF1', mediaId: 'TEST_VOL_1OF1/2025030102030400' });
      expect(await reader.checkRecordedMd5()).toEqual({ checked: true, files: 5, mismatches: [] });
      await reader.close();
    }
    // Permissions are normalised on the disc, whatever the (private) staging folder had.
    const ls = await import('node:child_process').then((cp) => cp.spawnSync(binary!, ['-indev', image, '-lsl', '/FILES'], { encoding: 'utf8' }).stdout);
    expect(ls).toMatch(/-r--r--r-- +1 0 +0 /);
    expect(ls).not.toMatch(/-rw|rwx/);
  });

  it('a changed byte inside a file: xorriso names it (MD5), and the extent read gives a different SHA-256', async () => {
    const files = stage();
    const image = join(dir, 'out.iso');
    await write(new XorrisoWriter({ binary: binary! }), image);
    const before = await XorrisoMediumReader.open(binary!, { kind: 'iso', path: image }, { stream: false });
    const victim = 'FILES/0001_执法 记录.MP4';
    const extent = (before as unknown as { files: Map<string, { extents: { lba: number }[] }> }).files.get(victim)!.extents[0]!;
    const fd = openSync(image, 'r+');
    writeSync(fd, Buffer.from([0x55]), 0, 1, extent.lba * 2048 + 1_000_000);
    closeSync(fd);
    const reader = await XorrisoMediumReader.open(binary!, { kind: 'iso', path: image }, { stream: false });
    expect(await reader.checkRecordedMd5()).toEqual({ checked: true, files: 5, mismatches: [victim] });
    expect((await reader.hash(victim))!.sha256).not.toBe(sha(files[victim]!));
    expect((await reader.hash('README.txt'))!.sha256).toBe(sha(files['README.txt']!));
  });

  it('a cancelled write stops xorriso and rejects with the reason; discard removes the image', async () => {
    stage();
    writeFileSync(join(dir, 'src', 'FILES', 'big.bin'), Buffer.alloc(64 << 20, 1));
    const writer = new XorrisoWriter({ binary: binary! });
    const image = join(dir, 'cancel.iso');
    const controller = new AbortController();
    const reason = new Error('cancelled by test');
    const p = write(writer, image, [], controller.signal);
    controller.abort(reason);
    await expect(p).rejects.toBe(reason);
    await writer.discard({ writer: 'xorriso', target: { kind: 'iso', path: image }, volumeId: 'X', createdAt: '' });
    expect(existsSync(image)).toBe(false);
  });

  it('a write that fails (no such folder) is a translated error naming the target', async () => {
    const writer = new XorrisoWriter({ binary: binary! });
    await expect(
      writer.write({ sourceDir: join(dir, 'missing'), target: { kind: 'iso', path: join(dir, 'x.iso') }, volumeId: 'V', createdAt: new Date(), totalBytes: 1, signal: new AbortController().signal, onProgress: () => {} }),
    ).rejects.toMatchObject({ code: 'disc.write_failed', params: { location: join(dir, 'x.iso') } });
  });
});

describe.skipIf(!binary)('xorriso drives', () => {
  it('inspects a stdio: pseudo-drive (blank, then written); lists no drives here without failing; an absent drive is an error', async () => {
    const drives = new XorrisoDrives({ binary: binary! });
    const image = join(dir, 'pseudo.img');
    expect((await drives.inspect(image)).medium).toMatchObject({ state: 'blank', kind: 'stdio file' });
    stage();
    await write(new XorrisoWriter({ binary: binary! }), image);
    const written = await drives.inspect(image);
    expect(written.medium).toMatchObject({ state: 'appendable', kind: 'stdio file' });
    expect(written.vendor).toBe('YOYODYNE');
    expect(Array.isArray(await drives.list())).toBe(true);
    await expect(drives.inspect('/dev/sr9')).rejects.toMatchObject({ code: 'disc.drive_unavailable' });
    expect(readFileSync(image).length).toBeGreaterThan(0);
  });
});
