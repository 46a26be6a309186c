// Defect 20 (issue 10): `station disc verify` is what a recipient runs on the disc they were given.
// An ISO image is read directly (xorriso, no mount), a mistyped path is "not found" (exit 2) and
// something that is not a package says what to give — none of these may read as "tampered".
import { mkdirSync, readFileSync, writeFileSync, openSync, readSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { hasCommand, station as cli } from '../support/cli.ts';
import { burnFixture, type BurnFixture } from './burnSupport.ts';

let f: BurnFixture | null = null;
afterEach(() => {
  f?.cleanup();
  f = null;
});

/** Byte offset of `needle` in the image, so a test can damage one file's content in place. */
function offsetOf(path: string, needle: Buffer): number {
  const data = readFileSync(path);
  const at = data.indexOf(needle);
  if (at < 0) throw new Error('needle not in image');
  return at;
}

describe.skipIf(!hasCommand('xorriso'))('station disc verify on images and wrong paths', () => {
  it('defect 20: a good ISO verifies, a mistyped path is "not found" (exit 2), a non-package says what to give, a damaged ISO fails', async () => {
    f = await burnFixture({ files: [{ name: 'a.MP4', bytes: 200_000 }, { name: 'b.MP4', bytes: 90_000 }] });
    const iso = join(f.work, 'case.iso');
    const job = await f.clerk.invoke('burn.wait', { jobId: (await f.clerk.invoke('burn.start', { requestId: f.requestId, target: { kind: 'iso', path: iso }, media: 'cd' })).id });
    expect(job.state).toBe('completed');
    const env = { STATION_DATA: join(f.work, 'no-station-here') };
    const key = f.t.station.verifierKey();

    const good = cli(['disc', 'verify', iso, '--key', key, '--lang', 'en'], env);
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toContain('Verified: 2 files');
    const json = cli(['disc', 'verify', iso, '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, files: 2 });

    const missing = cli(['disc', 'verify', join(f.work, 'cse.iso'), '--lang', 'en'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not found/i);
    expect(missing.stdout + missing.stderr).not.toMatch(/FAILED|MANIFEST/);
    const missingZh = cli(['disc', 'verify', join(f.work, 'cse.iso')], env);
    expect(missingZh.code).toBe(2);
    expect(missingZh.stderr).toContain('找不到');

    const text = join(f.work, 'notes.txt');
    writeFileSync(text, 'just some notes\n');
    const notPackage = cli(['disc', 'verify', text, '--lang', 'en'], env);
    expect(notPackage.code).toBe(2);
    expect(notPackage.stderr).toContain('MANIFEST.json');
    expect(notPackage.stderr).toContain('.iso');
    expect(notPackage.stdout + notPackage.stderr).not.toContain('FAILED');
    const empty = join(f.work, 'empty');
    mkdirSync(empty);
    const emptyDir = cli(['disc', 'verify', empty, '--lang', 'en'], env);
    expect(emptyDir.code).toBe(2);
    expect(emptyDir.stdout + emptyDir.stderr).not.toContain('FAILED');

    // Some other disc image (not a package at all) is not "tampered evidence" either.
    const other = join(f.work, 'other.iso');
    mkdirSync(join(f.work, 'other'));
    writeFileSync(join(f.work, 'other', 'setup.txt'), 'an installer\n');
    const made = spawnSync('xorriso', ['-outdev', `stdio:${other}`, '-map', join(f.work, 'other'), '/'], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const otherDisc = cli(['disc', 'verify', other, '--lang', 'en'], env);
    expect(otherDisc.code).toBe(2);
    expect(otherDisc.stderr).toContain('is not an evidence package');

    // Real damage in the image is still a failed verification, naming the file.
    const content = readFileSync(iso);
    const manifest = JSON.parse(content.subarray(offsetOf(iso, Buffer.from('{\n  "format"'))).toString('utf8').split('\n}\n')[0]! + '\n}') as { files: { path: string }[] };
    expect(manifest.files).toHaveLength(2);
    const at = offsetOf(iso, Buffer.from('mdat')) + 1000;
    const fd = openSync(iso, 'r+');
    try {
      const b = Buffer.alloc(1);
      readSync(fd, b, 0, 1, at);
      b[0]! ^= 0xff;
      writeSync(fd, b, 0, 1, at);
    } finally {
      closeSync(fd);
    }
    const bad = cli(['disc', 'verify', iso, '--lang', 'en'], env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FILES\/0001_a\.MP4/);
  }, 120_000);
});
