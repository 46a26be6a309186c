// Bad input on a plain folder (what exFAT cannot hold: control characters and backslashes in names,
// names that are not UTF-8, symbolic links, FIFOs), plus 10,000 small files and a file that grows
// while it is read. Every entry gets a clear result; nothing crashes; nothing is written anywhere
// but the vault; the source is untouched.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStation, PASSPHRASE, type TestStation } from '../support/testStation.ts';
import { ManualClock } from '../../electron/core/clock.ts';
import { allFiles, randomMp4, sha256 } from '../support/recorderFiles.ts';
import { buildMp4, buildTruncatedMp4 } from '../fixtures/mediaFixtures.ts';
import { station as cli, hasCommand } from '../support/cli.ts';
import type { ApiClient } from '../../electron/api/server.ts';
import type { FileResult, ProgressEvent } from '../../electron/api/index.ts';

function treeHashes(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: Buffer) => {
    for (const name of readdirSync(dir, { encoding: 'buffer' })) {
      const p = Buffer.concat([dir, Buffer.from('/'), name]);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.set(p.toString('hex'), sha256(readFileSync(p)));
    }
  };
  walk(Buffer.from(root));
  return out;
}

describe('bad input from a plain folder', () => {
  let t: TestStation;
  let custodian: ApiClient;
  let parent: string;
  let src: string;

  beforeAll(async () => {
    // The real `station` CLI below writes to the same ledger on the system clock, and the station's
    // clock never runs behind its ledger: start the in-process clock at the real time too.
    t = await createTestStation({ clock: new ManualClock(new Date()) });
    custodian = await t.addUser('custodian1', ['custodian']);
    parent = mkdtempSync(join(tmpdir(), 'station-bad-'));
    src = join(parent, 'src');
    mkdirSync(src);
  });

  afterAll(() => {
    try {
      t?.cleanup();
    } finally {
      if (parent) rmSync(parent, { recursive: true, force: true });
    }
  });

  it('odd names, links, special files, broken media: each gets its result, stored as data, nothing outside the vault', async () => {
    const names = {
      ctrl: 'a\u0001b.mp4',
      esc: 'esc\u001b[2J\u001b[31mred.mp4',
      newline: 'line\nbreak.mp4',
      backslash: '..\\..\\windows\\evil.mp4',
      dots: '..%2F..%2Fetc.mp4',
      empty: 'empty.mp4',
      truncated: 'truncated.mp4',
      noMoov: 'no-moov.mp4',
    };
    const contents: Record<string, Buffer> = {
      [names.ctrl]: randomMp4(),
      [names.esc]: randomMp4(),
      [names.newline]: randomMp4(),
      [names.backslash]: randomMp4(),
      [names.dots]: randomMp4(),
      [names.empty]: Buffer.alloc(0),
      [names.truncated]: buildTruncatedMp4({ mdatBytes: 30_000 }),
      [names.noMoov]: buildMp4({ omitMoov: true, mdatBytes: 30_000, mdatFill: 3 }),
    };
    for (const [n, data] of Object.entries(contents)) writeFileSync(join(src, n), data);
    // A name that is not UTF-8 (Linux names are bytes).
    const latin1 = Buffer.concat([Buffer.from(src + '/'), Buffer.from([0x66, 0xff, 0xfe, 0x2e, 0x6d, 0x70, 0x34])]);
    writeFileSync(latin1, randomMp4());
    writeFileSync(join(src, 'real.mp4'), randomMp4());
    symlinkSync('/etc/passwd', join(src, 'passwd-link'));
    symlinkSync('../../../../etc', join(src, 'etc-dir-link'));
    symlinkSync('real.mp4', join(src, 'inner-link.mp4'));
    if (hasCommand('mkfifo')) execFileSync('mkfifo', [join(src, 'fifo')]);
    const before = treeHashes(src);

    const { session, files } = await custodian.invoke('ingest.run', { path: src });
    expect(session.status).toBe('completed');
    const by = (p: string): FileResult => {
      const f = files.find((x) => x.path === p);
      if (!f) throw new Error(`no result for ${JSON.stringify(p)}: ${files.map((x) => JSON.stringify(x.path)).join(', ')}`);
      return f;
    };
    // Every entry has a final outcome; none is left pending or missing.
    expect(files.every((f) => f.outcome !== 'pending')).toBe(true);
    expect(files.length).toBe(Object.keys(contents).length + 1 + 1 + 3 + (hasCommand('mkfifo') ? 1 : 0));

    for (const n of [names.ctrl, names.esc, names.newline, names.backslash, names.dots]) {
      expect(by(n).outcome).toBe('ingested');
      const rec = await custodian.invoke('recording.get', { id: by(n).recordingId! });
      // Stored exactly as the file system gave it: data, never a path.
      expect(rec.recording.source.path).toBe(n);
      expect(rec.recording.originalName).toBe(n);
      expect(rec.recording.sha256).toBe(sha256(contents[n]!));
    }
    expect(by('f\\xff\\xfe.mp4').outcome).toBe('ingested');
    expect(by(names.empty).flags).toContain('unparseable');
    expect(by(names.truncated).flags).toContain('unparseable');
    expect(by(names.noMoov).flags).toContain('unparseable');
    expect(by('passwd-link')).toMatchObject({ outcome: 'skipped', reason: 'ingest.symlink_outside_source', params: { target: '/etc/passwd' } });
    expect(by('etc-dir-link')).toMatchObject({ outcome: 'skipped', reason: 'ingest.symlink_outside_source' });
    expect(by('inner-link.mp4')).toMatchObject({ outcome: 'skipped', reason: 'ingest.symlink_not_followed' });
    expect(by('real.mp4').outcome).toBe('ingested');
    if (hasCommand('mkfifo')) expect(by('fifo')).toMatchObject({ outcome: 'skipped', reason: 'ingest.not_regular_file', params: { kind: 'fifo' } });

    // Skips are in the ledger, not only in the session table.
    const skipped = await t.admin.invoke('ledger.list', { action: 'ingest.file_skipped', subject: `ingest:${session.id}` });
    expect(skipped.total).toBe(files.filter((f) => f.outcome === 'skipped').length);

    // The source is untouched, and nothing appeared next to it ('..\\..' names wrote nothing).
    expect(treeHashes(src)).toEqual(before);
    expect(readdirSync(parent).sort()).toEqual(['src']);
    // In the data folder: the database, the ledger's head record, the vault's object files, nothing else.
    const stray = allFiles(t.dir)
      .map((f) => f.slice(t.dir.length + 1))
      .filter((f) => !/^station\.db(-wal|-shm)?$/.test(f) && f !== 'station.lock' && f !== 'ledger-head.json' && !/^vault\/objects\/[0-9a-f]{2}\/[0-9a-f-]{36}\.evo$/.test(f));
    expect(stray).toEqual([]);

    // The CLI never sends a recorder's control characters to the terminal.
    const list = cli(['recordings', 'list', '--lang', 'en'], { STATION_DATA: t.dir, STATION_PASSPHRASE: PASSPHRASE, STATION_USER: 'custodian1', STATION_PASSWORD: 'custodian1-password' });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('a\\x01b.mp4');
    expect(list.stdout).toContain('esc\\x1b[2J\\x1b[31mred.mp4');
    expect(list.stdout).not.toMatch(/\p{Cc}(?<!\n)/u);
  });

  it('a file that grows while it is read is stored as it was when opened, and flagged', async () => {
    const dir = join(parent, 'growing');
    mkdirSync(dir);
    const original = randomMp4({ mdatBytes: 12 * 2 ** 20 });
    writeFileSync(join(dir, 'growing.mp4'), original);
    let grew = false;
    const off = custodian.on((event, payload) => {
      const p = payload as ProgressEvent;
      if (!grew && event === 'ingest.progress' && p.reading.some((f) => f.path === 'growing.mp4' && f.bytes > 0 && f.bytes < original.length)) {
        grew = true;
        appendFileSync(join(dir, 'growing.mp4'), Buffer.alloc(1 << 20, 1));
      }
    });
    const { files } = await custodian.invoke('ingest.run', { path: dir }).finally(off);
    expect(grew).toBe(true);
    const f = files[0]!;
    expect(f.outcome).toBe('ingested');
    expect(f.flags).toContain('changed_during_read');
    const rec = (await custodian.invoke('recording.get', { id: f.recordingId! })).recording;
    expect(rec.sha256).toBe(sha256(original));
    expect(rec.size).toBe(original.length);
    // Docked again, the grown file is a different file: ingested in full, the first copy stays.
    const again = await custodian.invoke('ingest.run', { path: dir });
    expect(again.files[0]!.outcome).toBe('ingested');
    expect(again.files[0]!.flags).not.toContain('changed_during_read');
    expect((await custodian.invoke('recording.get', { id: again.files[0]!.recordingId! })).recording.size).toBe(original.length + (1 << 20));
  });

  it('10,000 small files: every one catalogued once, with a result each', async () => {
    const dir = join(parent, 'many');
    mkdirSync(dir);
    const N = 10_000;
    for (let i = 0; i < N; i++) {
      const sub = join(dir, String(Math.floor(i / 1000)).padStart(2, '0'));
      if (i % 1000 === 0) mkdirSync(sub);
      writeFileSync(join(sub, `${String(i).padStart(5, '0')}.bin`), `small file ${i} ${Math.random()}`);
    }
    const { session, files } = await custodian.invoke('ingest.run', { path: dir });
    expect(session.status).toBe('completed');
    expect(files).toHaveLength(N);
    expect(session.counts.ingested).toBe(N);
    expect((await custodian.invoke('recording.list', { sessionId: session.id, limit: 1 })).total).toBe(N);
    // Re-ingest: nothing new, every file recognized as already ingested without reading it again.
    const again = await custodian.invoke('ingest.run', { path: dir });
    expect(again.session.counts.already_ingested).toBe(N);
    expect((await custodian.invoke('recording.list', { limit: 1 })).total).toBeGreaterThanOrEqual(N);
  }, 600_000);
});
