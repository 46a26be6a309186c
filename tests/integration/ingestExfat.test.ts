// Dock and ingest on a REAL removable volume: an exFAT image on a loop device mounted through FUSE,
// detected by the real Linux volume watcher (native/linux/volumes.ts reading /proc/self/mountinfo).
// Skipped, with the reason printed, where the machine cannot loop-mount.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/core/clock.ts';
import { createTestStation, type TestStation } from '../support/testStation.ts';
import { loopExfatCapability, Volumes } from '../support/loopVolumes.ts';
import { nameAt, plaintextFound, randomMp4, randomWav, sha256 } from '../support/recorderFiles.ts';
import { buildJpeg, buildMp4, buildTruncatedMp4 } from '../fixtures/mediaFixtures.ts';
import { startDock, dockOf, type DockHandle } from '../../electron/api/runtime/dock.ts';
import { LinuxVolumeWatcher } from '../../native/linux/volumes.ts';
import type { ApiClient } from '../../electron/api/server.ts';
import type { DockedVolume, ProgressEvent } from '../../electron/api/index.ts';
import type { PlatformDevices } from '../../electron/core/devices/ports.ts';
import { station as cli } from '../support/cli.ts';
import { PASSPHRASE } from '../support/testStation.ts';

// The real `station` CLI below writes to the same ledger on the system clock, and the station's clock
// never runs behind its ledger: the in-process clock starts at the real time (whole seconds, since
// recorder names carry seconds). The scenario was written for "now" = 2025-03-02 09:00 in Shanghai;
// every recording time keeps its distance from that "now", so late / within 24 h / gaps mean the same.
const START = new Date(Math.floor(Date.now() / 1000) * 1000);
const SHIFT_MS = START.getTime() - Date.parse('2025-03-02T01:00:00Z');
/** A Shanghai wall-clock time of the original scenario, moved by SHIFT_MS, for nameAt. */
function at(y: number, mo: number, d: number, h: number, mi: number, s: number): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s) + SHIFT_MS);
  return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds() };
}
/** An instant of the original scenario (ISO, UTC), moved by SHIFT_MS. */
const shifted = (iso: string): string => new Date(Date.parse(iso) + SHIFT_MS).toISOString();

const cap = loopExfatCapability();
if (!cap.ok) console.warn(`[ingestExfat] SKIPPED: ${cap.reason}`);

async function waitFor<T>(what: string, fn: () => T | null | undefined | false, timeoutMs = 90_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function devices(mountRoot: string): PlatformDevices {
  return {
    volumes: new LinuxVolumeWatcher({ mountRoots: [{ path: mountRoot, depth: 0 }], useBlkid: false, pollIntervalMs: 200 }),
    // Loop devices have no USB parent: identity must come from the registry and the file names.
    usb: { list: async () => [], watch: async () => async () => {} },
    unlockers: [],
  };
}

function volumeState(t: TestStation, mountPoint: string): DockedVolume | undefined {
  return dockOf(t.server)?.status().volumes.find((v) => v.mountPoint === mountPoint);
}

describe.skipIf(!cap.ok)('dock and ingest from an exFAT volume on a loop device (FUSE)', () => {
  let vols: Volumes;
  let t: TestStation;
  let custodian: ApiClient;
  let dock: DockHandle;
  const events: { event: string; payload: unknown }[] = [];

  beforeAll(async () => {
    vols = new Volumes();
    // "2025-03-02 09:00 in Shanghai" (moved to now): a recording that ended on the morning of 1 March is within 24 h.
    t = await createTestStation({ clock: new ManualClock(START) });
    custodian = await t.addUser('custodian1', ['custodian']);
    custodian.on((event, payload) => events.push({ event, payload }));
    await custodian.invoke('officer.add', { badge: '010203', name: '张三', unitName: '执法一队' });
    await custodian.invoke('recorder.add', { serial: '1234567', model: 'DSJ-test', officerBadge: '010203' });
    dock = await startDock(t.server, devices(vols.mountRoot));
    await custodian.invoke('dock.onDuty', {});
  });

  afterAll(async () => {
    try {
      await dock?.stop();
    } finally {
      vols?.cleanup();
      t?.cleanup();
    }
  });

  it('notices the mount, ingests every file, hashes equal sha256sum, vault verify passes, late and _IMP are flagged, no plaintext in the data folder', async () => {
    const vol = vols.exfat({ sizeMiB: 64, name: 'rec1', label: 'ZFY1' });
    const files: Record<string, Buffer> = {
      // Two segments of one recording, 6 s apart: a possible interruption (000 第九条).
      [`DCIM/${nameAt(at(2025, 3, 1, 10, 3, 4), { sequence: 1 })}`]: randomMp4({ durationSeconds: 10, mdatBytes: 300_000 }),
      [`DCIM/${nameAt(at(2025, 3, 1, 10, 3, 20), { sequence: 2, important: true })}`]: randomMp4({ durationSeconds: 10, mdatBytes: 300_000 }),
      // Recorded four days ago: handed over late.
      [`DCIM/${nameAt(at(2025, 2, 26, 15, 0, 0), { sequence: 3 })}`]: randomMp4({ durationSeconds: 30, mdatBytes: 200_000 }),
      [`DCIM/${nameAt(at(2025, 3, 1, 11, 0, 0), { sequence: 4, extension: 'JPG' })}`]: buildJpeg(),
      [`DCIM/${nameAt(at(2025, 3, 1, 11, 5, 0), { sequence: 5, extension: 'WAV' })}`]: randomWav(2),
    };
    vol.prepare((root) => {
      mkdirSync(join(root, 'DCIM'));
      for (const [p, data] of Object.entries(files)) writeFileSync(join(root, p), data);
    });
    vol.mount();

    const done = await waitFor('the volume to be ingested', () => {
      const v = volumeState(t, vol.mountPoint);
      return v && (v.state === 'done' || v.state === 'failed' || v.state === 'stopped') ? v : null;
    });
    expect(done.state, JSON.stringify(done)).toBe('done');
    expect(done.mayUndock).toBe(true);
    expect(done.recorder).toMatchObject({ serial: '1234567', via: 'name', officerBadge: '010203', officerName: '张三' });
    expect(done.session?.counts).toMatchObject({ ingested: 5, failed: 0, aborted: 0, pending: 0 });

    // Hashes equal sha256sum of the sources, read from the mounted volume itself.
    const list = await custodian.invoke('recording.list', { limit: 100, order: 'asc' });
    expect(list.total).toBe(5);
    for (const r of list.items) {
      const sum = execFileSync('sha256sum', [join(vol.mountPoint, r.source.path)], { encoding: 'utf8' }).split(' ')[0];
      expect(r.sha256).toBe(sum);
      expect(r.sha256).toBe(sha256(files[r.source.path]!));
      expect(r).toMatchObject({ recorderSerial: '1234567', officerBadge: '010203', officerSource: 'name', source: { kind: 'volume', key: 'recorder:1234567' }, ingestedBy: 'custodian1' });
    }
    const byName = (part: string) => list.items.find((r) => r.originalName.includes(part))!;
    expect(byName('_0003').handover.late).toBe(true);
    expect(byName('_0003').flags).toContain('needs_explanation');
    expect(byName('_0001').handover.late).toBe(false);
    expect(byName('_0002_IMP').important).toBe(true);
    expect(byName('_0001').important).toBe(false);
    expect(byName('_0002_IMP').interruption).toMatchObject({ flagged: true, after: byName('_0001').id, gapSeconds: 6 });
    expect(byName('_0001')).toMatchObject({ kind: 'video', durationSeconds: 10, width: 1920, height: 1080, videoCodec: 'avc1', recordedAtSource: 'name', recordedAt: shifted('2025-03-01T02:03:04.000Z') });
    expect(byName('.JPG')).toMatchObject({ kind: 'photo', format: 'jpeg' });
    expect(byName('.WAV')).toMatchObject({ kind: 'audio', format: 'wav', durationSeconds: 2 });

    // Progress reached every signed-in client, per recorder.
    const progress = events.filter((e) => e.event === 'ingest.progress').map((e) => e.payload as ProgressEvent);
    expect(progress.at(-1)).toMatchObject({ recorderSerial: '1234567', filesDone: 5, filesTotal: 5 });
    expect(progress.at(-1)!.bytesDone).toBe(progress.at(-1)!.bytesTotal);
    expect(events.some((e) => e.event === 'dock.volume' && (e.payload as DockedVolume).state === 'done')).toBe(true);

    // The explanation flow the late file needs.
    const explained = await custodian.invoke('recording.explain', { id: byName('_0003').id, text: '外出执法，返回单位后移交。' });
    expect(explained.recording.flags).not.toContain('needs_explanation');
    const detail = await custodian.invoke('recording.get', { id: byName('_0003').id });
    expect(detail.history.map((h) => h.action)).toEqual(['recording.ingested', 'recording.explained']);
    expect(detail.explanations[0]).toMatchObject({ kind: 'late_handover', author: 'custodian1', text: '外出执法，返回单位后移交。' });

    // `station vault verify` (the real CLI, another process) passes.
    const verify = cli(['vault', 'verify', '--lang', 'en'], { STATION_DATA: t.dir, STATION_PASSPHRASE: PASSPHRASE, STATION_USER: 'custodian1', STATION_PASSWORD: 'custodian1-password' });
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('5 objects');

    // No plaintext of any source anywhere in the data folder (database, WAL, vault, temp).
    expect(plaintextFound(t.dir, Object.values(files))).toEqual([]);
    // The source is untouched.
    for (const [p, data] of Object.entries(files)) expect(readFileSync(join(vol.mountPoint, p)).equals(data)).toBe(true);
    await vol.unmount();
    await waitFor('the dock to see the unmount', () => !volumeState(t, vol.mountPoint));
  });

  it('an unplug in the middle of a large file: nothing marked ingested for it, the ledger says aborted, the re-dock completes it', async () => {
    const vol = vols.exfat({ sizeMiB: 160, name: 'rec2' });
    const big = randomMp4({ durationSeconds: 600, mdatBytes: 96 * 2 ** 20 });
    const bigName = nameAt(at(2025, 3, 1, 9, 0, 0), { sequence: 1 });
    const smallName = nameAt(at(2025, 3, 1, 9, 30, 0), { sequence: 2 });
    const small = randomMp4({ durationSeconds: 5 });
    vol.prepare((root) => {
      writeFileSync(join(root, bigName), big);
      writeFileSync(join(root, smallName), small);
    });

    let yanked = false;
    const off = custodian.on((event, payload) => {
      if (process.env.DEBUG_INGEST) console.log(Date.now(), event, JSON.stringify(payload).slice(0, 300));
      const p = payload as ProgressEvent;
      // Synchronously, between two reads of the big file: the next read meets a dead device.
      if (!yanked && event === 'ingest.progress' && p.reading.some((f) => f.path === bigName && f.bytes > 0 && f.bytes < big.length)) {
        yanked = true;
        vol.abortConnection();
      }
    });
    vol.mount();
    let cut: DockedVolume;
    try {
      cut = await waitFor('the session to be interrupted', () => {
        const v = volumeState(t, vol.mountPoint);
        return v && v.state !== 'identifying' && v.state !== 'queued' && v.state !== 'ingesting' ? v : null;
      });
      expect(yanked, JSON.stringify(cut)).toBe(true);
      expect(cut.state).toBe('interrupted');
      expect(cut.session?.stopCode).toBe('io.device_gone');
    } finally {
      off();
    }
    const session = cut.session!;
    const files = await custodian.invoke('ingest.session', { id: session.id });
    const bigResult = files.files.find((f) => f.path === bigName)!;
    expect(bigResult).toMatchObject({ outcome: 'aborted', reason: 'io.device_gone', recordingId: null });
    expect(Number(bigResult.params?.bytesRead)).toBeGreaterThan(0);
    expect(Number(bigResult.params?.bytesRead)).toBeLessThan(big.length);
    // The small file was read alongside (two files in flight): done before the unplug, cut by it, or not reached.
    expect(['ingested', 'aborted', 'pending']).toContain(files.files.find((f) => f.path === smallName)?.outcome);
    expect((await custodian.invoke('recording.list', { text: bigName })).total).toBe(0);
    const aborted = await custodian.invoke('ledger.list', { action: 'ingest.file_aborted', subject: `ingest:${session.id}` });
    expect(aborted.entries).toHaveLength(1);
    expect(aborted.entries[0]!.details).toMatchObject({ path: bigName, reason: 'io.device_gone' });
    // Nothing half-written is left in the vault.
    expect(readdirTmp(t.dir)).toEqual([]);

    await vol.unmount();
    await waitFor('the dock to see the unplug', () => !volumeState(t, vol.mountPoint));
    // Re-dock: the watcher sees a new mount and the ingest resumes.
    vol.mount();
    const again = await waitFor('the re-dock to finish', () => {
      const v = volumeState(t, vol.mountPoint);
      return v && (v.state === 'done' || v.state === 'failed' || v.state === 'interrupted' || v.state === 'stopped') ? v : null;
    });
    expect(again.state).toBe('done');
    expect(again.session?.counts).toMatchObject({ aborted: 0, pending: 0, failed: 0 });
    expect(again.session!.counts.ingested + again.session!.counts.already_ingested).toBe(2);
    expect((await custodian.invoke('recording.list', { text: smallName })).total).toBe(1);
    const bigRec = (await custodian.invoke('recording.list', { text: bigName })).items;
    expect(bigRec).toHaveLength(1);
    expect(bigRec[0]!.sha256).toBe(sha256(big));
    expect(bigRec[0]!.size).toBe(big.length);
    await vol.unmount();
  });

  it('bad input on exFAT: empty, truncated, moov-less and odd-named files each get a clear result, nothing is skipped silently', async () => {
    const vol = vols.exfat({ sizeMiB: 32, name: 'rec3' });
    // exFAT refuses '/', '\\' and control characters in names (ENOENT/EINVAL from the driver);
    // those names are tested on a plain folder (ingestBadInput.test.ts).
    const names = {
      empty: nameAt(at(2025, 3, 1, 8, 0, 0), { sequence: 11 }),
      truncated: nameAt(at(2025, 3, 1, 8, 10, 0), { sequence: 12 }),
      noMoov: nameAt(at(2025, 3, 1, 8, 20, 0), { sequence: 13 }),
      dots: '..evil...MP4',
    };
    vol.prepare((root) => {
      writeFileSync(join(root, names.empty), Buffer.alloc(0));
      writeFileSync(join(root, names.truncated), buildTruncatedMp4({ mdatBytes: 50_000 }));
      writeFileSync(join(root, names.noMoov), buildMp4({ omitMoov: true, mdatBytes: 40_000, mdatFill: 7 }));
      writeFileSync(join(root, names.dots), randomMp4());
      mkdirSync(join(root, '...'));
      writeFileSync(join(root, '...', 'x..y.mp4'), randomMp4());
    });
    vol.mount();
    const done = await waitFor('the volume to be ingested', () => {
      const v = volumeState(t, vol.mountPoint);
      return v && (v.state === 'done' || v.state === 'failed' || v.state === 'interrupted' || v.state === 'stopped') ? v : null;
    });
    expect(done.state).toBe('done');
    const result = await custodian.invoke('ingest.session', { id: done.session!.id });
    const by = (p: string) => result.files.find((f) => f.path === p)!;
    expect(by(names.empty)).toMatchObject({ outcome: 'ingested' });
    expect(by(names.empty).flags).toContain('unparseable');
    expect(by(names.truncated).flags).toContain('unparseable');
    expect(by(names.noMoov).flags).toContain('unparseable');
    expect(by(names.dots).outcome).toBe('ingested');
    expect(by('.../x..y.mp4').outcome).toBe('ingested');
    const problems = await custodian.invoke('recording.list', { unparseable: true, sessionId: done.session!.id });
    const reasons = Object.fromEntries(problems.items.map((r) => [r.originalName, r.parseProblem?.reason]));
    expect(reasons).toMatchObject({ [names.empty]: 'empty', [names.truncated]: 'truncated', [names.noMoov]: 'no_moov' });
    await vol.unmount();
  });

  it('storage that is not a known recorder is reported and ledgered, not ingested, until a custodian accepts it', async () => {
    const vol = vols.exfat({ sizeMiB: 16, name: 'stick' });
    vol.prepare((root) => writeFileSync(join(root, 'holiday.mp4'), randomMp4()));
    vol.mount();
    const refused = await waitFor('the volume to be refused', () => {
      const v = volumeState(t, vol.mountPoint);
      return v && v.state !== 'identifying' ? v : null;
    });
    expect(refused).toMatchObject({ state: 'unrecognized', reason: 'dock.no_recorder_files' });
    const logged = await custodian.invoke('ledger.list', { action: 'dock.storage_refused', subject: `volume:${vol.mountPoint}` });
    expect(logged.entries.length).toBeGreaterThan(0);
    expect((await custodian.invoke('recording.list', { text: 'holiday' })).total).toBe(0);

    await custodian.invoke('dock.accept', { mountPoint: vol.mountPoint, serial: 'USB-STICK-1', note: 'found in the evidence bag' });
    const accepted = await waitFor('the accepted volume to be ingested', () => {
      const v = volumeState(t, vol.mountPoint);
      return v && (v.state === 'done' || v.state === 'failed') ? v : null;
    });
    expect(accepted.state).toBe('done');
    const rec = (await custodian.invoke('recording.list', { text: 'holiday' })).items[0]!;
    expect(rec).toMatchObject({ recorderSerial: 'USB-STICK-1', recorderSource: 'custodian', officerBadge: null });
    expect(rec.flags).toContain('unknown_officer');
    const recorders = await custodian.invoke('recorder.list', {});
    expect(recorders.find((r) => r.serial === 'USB-STICK-1')).toMatchObject({ registeredVia: 'accepted_storage', volumeLabel: null });
    await vol.unmount();
  });
});

function readdirTmp(dataDir: string): string[] {
  try {
    return execFileSync('ls', ['-A', join(dataDir, 'vault', 'tmp')], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
