// The ingest pipeline on plain folders with a real station (SQLite, vault, keys): dedup, resume,
// crash recovery, interruption flags, clearing the recorder, identity, the concurrency limit.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { createTestStation, type TestStation } from '../../../tests/support/testStation.ts';
import { randomMp4, nameAt, sha256 } from '../../../tests/support/recorderFiles.ts';
import { type IngestEvent, type IngestSourceSpec } from './service.ts';
import { FILES_OPEN_AT_ONCE, FILES_READ_AT_ONCE } from './session.ts';
import type { Vault } from '../vault/vault.ts';

let t: TestStation;
let dirs: string[] = [];

function folder(files: Record<string, Buffer | string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ingest-src-'));
  dirs.push(dir);
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
  return dir;
}

function spec(root: string, extra: Partial<IngestSourceSpec> = {}): IngestSourceSpec {
  return { kind: 'folder', root, sourceKey: `folder:${root}`, device: null, fsType: null, label: null, recorder: null, vendorInfo: null, ...extra };
}

beforeEach(async () => {
  t = await createTestStation({ clock: new ManualClock('2025-03-02T01:00:00Z') });
  await t.addUser('keeper', ['custodian']);
});

afterEach(() => {
  t.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** Resolves once `cond` holds; a scheduler that never gets there fails the test rather than hanging it. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error(`never happened: ${what}`);
}

type Put = Vault['put'];

/**
 * Watches the session's vault puts: how many read their source at once, how many are open at once. Each put is held
 * after its object is stored (verified, catalogued) until the test lets it go, so the session sees it as a file whose
 * read is done but whose vault work is not; `gateRead(n)` holds the n-th put's source before its first byte.
 */
function watchPuts(vault: Vault) {
  const put: Put = vault.put.bind(vault);
  const w = { started: 0, reading: 0, maxReading: 0, open: 0, maxOpen: 0, held: [] as (() => void)[], gates: new Map<number, Promise<void>>() };
  vault.put = (async (source, options = {}) => {
    const n = ++w.started;
    w.reading++;
    w.open++;
    w.maxReading = Math.max(w.maxReading, w.reading);
    w.maxOpen = Math.max(w.maxOpen, w.open);
    let read = false;
    const gate = w.gates.get(n);
    const gated = gate
      ? Object.assign(
          (async function* () {
            await gate;
            yield* source;
          })(),
          'giveBack' in source ? { giveBack: (source as { giveBack(b: Buffer): void }).giveBack } : {},
        )
      : source;
    try {
      const stored = await put(gated, {
        ...options,
        onSourceRead: () => {
          read = true;
          w.reading--;
          options.onSourceRead?.();
        },
      });
      await new Promise<void>((resolve) => w.held.push(resolve));
      return stored;
    } finally {
      if (!read) w.reading--;
      w.open--;
    }
  }) as Put;
  return w;
}

const seg = (h: number, mi: number, s: number, sequence: number, extra: { important?: boolean } = {}) => nameAt({ y: 2025, mo: 3, d: 1, h, mi, s }, { sequence, ...extra });

describe('ingest service', () => {
  it('only an active custodian ingests, and only with the vault unlocked', async () => {
    const svc = t.station.ingest;
    const dir = folder({ 'a.bin': 'a' });
    await t.addUser('clerk1', ['clerk']);
    await expect(svc.ingest(spec(dir), 'clerk1')).rejects.toMatchObject({ code: 'ingest.not_custodian' });
    await t.admin.invoke('user.disable', { username: 'keeper', reason: 'left' });
    await expect(svc.ingest(spec(dir), 'keeper')).rejects.toMatchObject({ code: 'ingest.not_custodian' });
    t.station.lock();
    await expect(svc.ingest(spec(dir), 'keeper')).rejects.toMatchObject({ code: 'station.locked' });
  });

  it('same content from another source is stored once and linked; the same source again is not catalogued twice', async () => {
    const clip = randomMp4();
    const a = folder({ [seg(10, 0, 0, 1)]: clip });
    const b = folder({ 'copy-from-vendor-tool.mp4': clip, 'other.bin': 'other' });
    const svc = t.station.ingest;
    const first = await svc.ingest(spec(a), 'keeper');
    expect(first.files[0]).toMatchObject({ outcome: 'ingested' });
    const second = await svc.ingest(spec(b), 'keeper');
    const dup = second.files.find((f) => f.path === 'copy-from-vendor-tool.mp4')!;
    expect(dup.outcome).toBe('duplicate');
    expect(dup.flags).toContain('duplicate');
    const orig = t.station.recordings.require(first.files[0]!.recordingId!);
    const copy = t.station.recordings.require(dup.recordingId!);
    expect(copy).toMatchObject({ duplicateOf: orig.id, objectId: orig.objectId, sha256: sha256(clip) });
    // The copy was read (once), but only one object was kept.
    expect(t.station.vault.list().filter((o) => o.sha256 === orig.sha256)).toHaveLength(1);
    expect(t.station.recordings.detail(orig.id).duplicates).toEqual([copy.id]);
    const entry = t.station.ledger.entry(copy.ingestSeq)!;
    expect(entry.details).toMatchObject({ outcome: 'duplicate', duplicateOf: orig.id, objectId: orig.objectId });
    // A duplicate is not a new hand-over: not flagged late even though the footage is old.
    expect(copy.handover.late).toBe(false);

    // Same source again, even with a new modification time: recognized, nothing new.
    utimesSync(join(a, seg(10, 0, 0, 1)), new Date(), new Date());
    const again = await svc.ingest(spec(a), 'keeper');
    expect(again.files[0]).toMatchObject({ outcome: 'already_ingested', recordingId: orig.id });
    expect(t.station.recordings.list({}).total).toBe(3);
  });

  it('a session cut short by a dead process is closed as interrupted and the next one does only the rest', async () => {
    const files = { [seg(9, 0, 0, 1)]: randomMp4(), [seg(9, 10, 0, 2)]: randomMp4(), [seg(9, 20, 0, 3)]: randomMp4() };
    const dir = folder(files);
    const svc = t.station.ingest;
    await svc.ingest(spec(dir), 'keeper');
    // Simulate a crash: a second session row left 'running' by a pid that no longer exists.
    t.station.db
      .prepare("INSERT INTO ingest_sessions (source_kind, source_key, root, custodian, owner_pid, status, started_at) VALUES ('folder', ?, ?, 'keeper', 2147483646, 'running', ?)")
      .run(`folder:${dir}`, dir, new Date().toISOString());
    writeFileSync(join(dir, seg(9, 30, 0, 4)), randomMp4());
    const next = await svc.ingest(spec(dir), 'keeper');
    expect(next.session.counts).toMatchObject({ already_ingested: 3, ingested: 1 });
    const crashed = t.station.db.prepare("SELECT status, stop_code FROM ingest_sessions WHERE owner_pid = 2147483646").get();
    expect(crashed).toEqual({ status: 'interrupted', stop_code: 'ingest.process_ended' });
    expect(t.station.ledger.entry(t.station.ledger.size)!.action).toBe('ingest.session_finished');
  });

  it('flags a possible interruption between segments, whichever arrives first (000 第九条)', async () => {
    const svc = t.station.ingest;
    // 10 s segments: 10:00:00, 10:00:10 (no gap: a segment boundary), 10:00:40 (20 s gap), 10:30:00 (far apart).
    // Arriving out of order, one at a time, so that each judgement can be checked.
    const first = await svc.ingest(spec(folder({ [seg(10, 0, 40, 3)]: randomMp4({ durationSeconds: 10 }) })), 'keeper');
    expect(first.files[0]!.flags).not.toContain('interruption');
    await svc.ingest(spec(folder({ [seg(10, 0, 0, 1)]: randomMp4({ durationSeconds: 10 }) })), 'keeper');
    const second = await svc.ingest(spec(folder({ [seg(10, 0, 10, 2)]: randomMp4({ durationSeconds: 10 }), [seg(10, 30, 0, 4)]: randomMp4({ durationSeconds: 10 }) })), 'keeper');
    const byName = (n: string) => t.station.recordings.list({ text: n }).items[0]!;
    expect(byName('_0001').interruption.flagged).toBe(false);
    expect(byName('_0002').interruption.flagged).toBe(false);
    expect(byName('_0004').interruption.flagged).toBe(false);
    const flagged = byName('_0003');
    expect(flagged.interruption).toMatchObject({ flagged: true, after: byName('_0002').id, gapSeconds: 20 });
    // First judged against _0001 (the nearest then), then corrected when _0002 arrived.
    const history = t.station.recordings.detail(flagged.id).history;
    expect(history.map((h) => h.action)).toEqual(['recording.ingested', 'recording.flagged', 'recording.flagged']);
    expect(history[2]!.details).toMatchObject({ after: byName('_0002').id, gapSeconds: 20, previously: { after: byName('_0001').id, gapSeconds: 30 } });
    expect(second.session.counts.ingested).toBe(2);
    // A segment found later between them (10:00:29 + 10 s, 1 s before _0003): no interruption after all.
    await svc.ingest(spec(folder({ [seg(10, 0, 29, 7)]: randomMp4({ durationSeconds: 10 }) })), 'keeper');
    expect(byName('_0003').interruption.flagged).toBe(false);
    expect(t.station.recordings.detail(flagged.id).history.at(-1)).toMatchObject({ action: 'recording.unflagged', details: { reason: 'nearer_segment', gapSeconds: 1 } });
    expect(byName('_0007').interruption).toMatchObject({ flagged: true, after: byName('_0002').id, gapSeconds: 9 });
    // The setting decides the window.
    await t.admin.invoke('ingest.setSettings', { interruptionGapSeconds: { min: 30, max: 60 } });
    const third = await svc.ingest(spec(folder({ [seg(10, 31, 0, 5)]: randomMp4({ durationSeconds: 10 }) })), 'keeper');
    expect(third.files[0]!.flags).toContain('interruption'); // 50 s after 10:30:10 is inside 30–60
    const fourth = await svc.ingest(spec(folder({ [seg(10, 31, 15, 6)]: randomMp4({ durationSeconds: 10 }) })), 'keeper');
    expect(fourth.files[0]!.flags).not.toContain('interruption'); // 5 s: below 30
  });

  it('the hand-over rule is the agency setting, recorded with each recording', async () => {
    const svc = t.station.ingest;
    // Ended Thursday 2025-02-27 10:00:10 Shanghai; stored Sunday 2025-03-02 09:00.
    const dir = folder({ [nameAt({ y: 2025, mo: 2, d: 27, h: 10, mi: 0, s: 0 }, { sequence: 1 })]: randomMp4({ durationSeconds: 10 }) });
    const late24 = (await svc.ingest(spec(dir), 'keeper')).files[0]!;
    expect(late24.flags).toContain('late');
    await t.admin.invoke('ingest.setSettings', { handoverDeadline: { workingDays: 2 } });
    const dir2 = folder({ [nameAt({ y: 2025, mo: 2, d: 27, h: 10, mi: 0, s: 0 }, { sequence: 2 })]: randomMp4({ durationSeconds: 10 }) });
    const wd = (await svc.ingest(spec(dir2), 'keeper')).files[0]!;
    // Thu → Fri (1), Mon (2): due Monday 2025-03-03 24:00 — stored Sunday, in time.
    expect(wd.flags).not.toContain('late');
    const rec = t.station.recordings.require(wd.recordingId!);
    expect(rec.handover).toMatchObject({ rule: { workingDays: 2 }, deadline: '2025-03-03T15:59:59.999Z', late: false });
    expect(t.station.ledger.entry(rec.ingestSeq)!.details).toMatchObject({ handover: { calendar: 'cn-holidays' } });
  });

  it('identity: never guessed; the custodian assigns, before or after ingest, and it is ledgered', async () => {
    const svc = t.station.ingest;
    const keeper = await t.login('keeper', 'keeper-password');
    // No officer in the name, recorder unknown.
    const dir = folder({ 'VID_0001.MP4': randomMp4(), [nameAt({ y: 2025, mo: 3, d: 1, h: 8, mi: 0, s: 0 }, { deviceSerial: '5555555', officerId: '999999', sequence: 1 })]: randomMp4() });
    const r = await svc.ingest(spec(dir, { kind: 'volume', sourceKey: 'recorder:5555555', recorder: { serial: '5555555', via: 'custodian' } }), 'keeper');
    const anonymous = t.station.recordings.require(r.files.find((f) => f.path === 'VID_0001.MP4')!.recordingId!);
    expect(anonymous).toMatchObject({ officerBadge: null, recorderSerial: '5555555', recorderRegistered: false });
    expect(anonymous.flags).toEqual(expect.arrayContaining(['unknown_officer', 'unknown_recorder']));
    const named = t.station.recordings.list({ officer: '999999' }).items[0]!;
    expect(named).toMatchObject({ officerBadge: '999999', officerSource: 'name', officerName: null });
    expect(named.flags).toContain('unknown_officer'); // named, but not a registered officer

    await keeper.invoke('officer.add', { badge: '999999', name: '王五' });
    await keeper.invoke('recorder.add', { serial: '5555555', model: 'X1' });
    const assigned = await keeper.invoke('recorder.assign', { serial: '5555555', officerBadge: '999999' });
    expect(assigned.recordingsUpdated).toEqual([anonymous.id]);
    const now = t.station.recordings.require(anonymous.id);
    expect(now).toMatchObject({ officerBadge: '999999', officerSource: 'custodian', officerName: '王五', recorderRegistered: true });
    expect(now.flags).not.toContain('unknown_officer');
    expect(t.station.recordings.detail(anonymous.id).history.map((h) => [h.action, h.actor])).toEqual([
      ['recording.ingested', 'keeper'],
      ['recording.officer_assigned', 'keeper'],
    ]);
    // Later files of that recorder take the registry's assignment, saying so.
    const dir2 = folder({ 'VID_0002.MP4': randomMp4() });
    const r2 = await svc.ingest(spec(dir2, { kind: 'volume', sourceKey: 'recorder:5555555', recorder: { serial: '5555555', via: 'custodian' } }), 'keeper');
    expect(t.station.recordings.require(r2.files[0]!.recordingId!)).toMatchObject({ officerBadge: '999999', officerSource: 'registry' });
  });

  it('what the recorder said is immutable; explanations are append-only', async () => {
    const svc = t.station.ingest;
    const r = await svc.ingest(spec(folder({ [nameAt({ y: 2025, mo: 2, d: 20, h: 8, mi: 0, s: 0 }, { sequence: 1 })]: randomMp4() })), 'keeper');
    const id = r.files[0]!.recordingId!;
    expect(() => t.station.db.prepare("UPDATE recordings SET sha256 = 'x' WHERE id = ?").run(id)).toThrow(/immutable/);
    expect(() => t.station.db.prepare('UPDATE recordings SET recorded_at = NULL WHERE id = ?').run(id)).toThrow(/immutable/);
    t.station.recordings.explain('keeper', id, null, '外地执法，返回后移交');
    expect(() => t.station.db.prepare("UPDATE explanations SET text = 'x'").run()).toThrow(/append-only/);
    expect(() => t.station.db.prepare('DELETE FROM explanations').run()).toThrow(/append-only/);
    expect(() => t.station.recordings.explain('keeper', id, 'interruption', 'x y')).toThrow(expect.objectContaining({ code: 'recording.nothing_to_explain' }));
  });

  it('clearing the recorder (setting, off by default) deletes each file only after its verified ingest, ledgered', async () => {
    const svc = t.station.ingest;
    const files = { [seg(7, 0, 0, 1)]: randomMp4(), [seg(7, 10, 0, 2)]: randomMp4() };
    const keep = folder(files);
    await svc.ingest(spec(keep, { kind: 'volume', sourceKey: 'recorder:1', recorder: { serial: '1234567', via: 'custodian' } }), 'keeper');
    for (const n of Object.keys(files)) expect(existsSync(join(keep, n))).toBe(true);

    await t.admin.invoke('ingest.setSettings', { clearRecorderAfterIngest: true });
    // A folder is never cleared, whatever the setting: only a docked recorder is.
    const plain = folder({ 'x.bin': 'x' });
    await svc.ingest(spec(plain), 'keeper');
    expect(existsSync(join(plain, 'x.bin'))).toBe(true);
    // The recorder docked again: its already stored files are re-hashed, then deleted; a new one too.
    writeFileSync(join(keep, seg(7, 20, 0, 3)), randomMp4());
    const r = await svc.ingest(spec(keep, { kind: 'volume', sourceKey: 'recorder:1', recorder: { serial: '1234567', via: 'custodian' } }), 'keeper');
    expect(r.session.counts).toMatchObject({ already_ingested: 2, ingested: 1 });
    for (const f of r.files) expect(existsSync(join(keep, f.path))).toBe(false);
    const deletions = t.station.db.prepare("SELECT subject, details FROM ledger WHERE action = 'recording.source_deleted' ORDER BY seq").all() as { subject: string; details: string }[];
    expect(deletions).toHaveLength(3);
    for (const d of deletions) {
      const id = d.subject.slice('recording:'.length);
      const rec = t.station.recordings.require(id);
      expect(rec.sourceDeletedAt).not.toBeNull();
      // Each deletion comes after the entry that recorded the verified ingest.
      const seq = (t.station.db.prepare("SELECT seq FROM ledger WHERE action = 'recording.source_deleted' AND subject = ?").get(d.subject) as { seq: number }).seq;
      expect(seq).toBeGreaterThan(rec.ingestSeq);
      expect(JSON.parse(d.details)).toMatchObject({ sha256: rec.sha256 });
    }
  });

  it('runs at most ingest.maxConcurrentRecorders sessions at once, and reports progress per source', async () => {
    await t.admin.invoke('ingest.setSettings', { maxConcurrentRecorders: 1 });
    const svc = t.station.ingest;
    const events: IngestEvent[] = [];
    const off = svc.on((e) => events.push(e));
    const a = folder({ 'a1.bin': Buffer.alloc(300_000, 1), 'a2.bin': Buffer.alloc(300_000, 2) });
    const b = folder({ 'b1.bin': Buffer.alloc(300_000, 3) });
    await Promise.all([svc.ingest(spec(a), 'keeper'), svc.ingest(spec(b), 'keeper')]);
    off();
    const sessions = events.filter((e) => e.type === 'ingest.session').map((e) => (e.type === 'ingest.session' ? `${e.payload.root}:${e.payload.status}` : ''));
    // With one slot, one session ends before the other starts.
    expect(sessions[1]).toMatch(/:completed$/);
    const last = events.filter((e) => e.type === 'ingest.progress').at(-1)!;
    expect(last.payload).toMatchObject({ filesDone: 1, filesTotal: 1, bytesDone: 300_000, bytesTotal: 300_000, etaSeconds: 0 });
    await expect(Promise.all([svc.ingest(spec(a), 'keeper'), svc.ingest(spec(a), 'keeper')])).rejects.toMatchObject({ code: 'ingest.already_running' });
  });

  it('reads the next files while those already read are made durable and verified, a bounded few at once', async () => {
    const svc = t.station.ingest;
    const w = watchPuts(t.station.vault);
    const files = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [seg(11, i * 10, 0, i + 1), randomMp4()]));
    const run = svc.ingest(spec(folder(files)), 'keeper');
    // The first files are read and wait in the vault; the next one is read meanwhile, up to the bound.
    await until(() => w.held.length === FILES_OPEN_AT_ONCE, `${FILES_OPEN_AT_ONCE} files read while none has finished`);
    expect(FILES_OPEN_AT_ONCE).toBeGreaterThan(FILES_READ_AT_ONCE);
    await new Promise((r) => setTimeout(r, 50));
    // No further file while all of them wait.
    expect(w.started).toBe(FILES_OPEN_AT_ONCE);
    // One finishes: one more is started.
    w.held.shift()!();
    await until(() => w.started === FILES_OPEN_AT_ONCE + 1 && w.held.length === FILES_OPEN_AT_ONCE, 'the next file after one finished');
    let done = false;
    void run.finally(() => (done = true));
    while (!done) {
      w.held.splice(0).forEach((go) => go());
      await new Promise((r) => setTimeout(r, 5));
    }
    const r = await run;
    expect(r.session).toMatchObject({ status: 'completed', counts: { ingested: 6 } });
    expect(w.maxReading).toBeLessThanOrEqual(FILES_READ_AT_ONCE);
    expect(w.maxOpen).toBe(FILES_OPEN_AT_ONCE);
    // Each file's entry is in the ledger once, with the hash of what the source held.
    const entries = t.station.db.prepare("SELECT details FROM ledger WHERE action = 'recording.ingested'").all() as { details: string }[];
    expect(entries.map((e) => (JSON.parse(e.details) as { sha256: string }).sha256).sort()).toEqual(Object.values(files).map((f) => sha256(f)).sort());
    expect(readdirSync(t.station.paths.vaultTmp).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });

  it('stopped while one file is read and those before it are still in the vault: those finish, the one read is aborted and leaves nothing', async () => {
    const svc = t.station.ingest;
    const w = watchPuts(t.station.vault);
    let openGate = () => {};
    w.gates.set(FILES_OPEN_AT_ONCE, new Promise<void>((resolve) => (openGate = resolve)));
    const files = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [seg(12, i * 10, 0, i + 1), randomMp4()]));
    const dir = folder(files);
    const run = svc.ingest(spec(dir), 'keeper');
    // The files before it are stored and waiting; the last one opened is stuck before its first byte.
    await until(() => w.held.length === FILES_OPEN_AT_ONCE - 1 && w.started === FILES_OPEN_AT_ONCE, 'files stored and one being read');
    svc.abort(`folder:${dir}`, 'io.device_gone');
    await until(() => w.open === FILES_OPEN_AT_ONCE - 1, 'the file being read to stop');
    openGate();
    w.held.splice(0).forEach((go) => go());
    const r = await run;
    expect(r.session).toMatchObject({ status: 'interrupted', stopCode: 'io.device_gone' });
    const outcomes = r.files.map((f) => f.outcome);
    expect(outcomes.slice(0, FILES_OPEN_AT_ONCE - 1)).toEqual(Array(FILES_OPEN_AT_ONCE - 1).fill('ingested'));
    expect(outcomes[FILES_OPEN_AT_ONCE - 1]).toBe('aborted');
    expect(outcomes.slice(FILES_OPEN_AT_ONCE)).toEqual(Array(5 - FILES_OPEN_AT_ONCE).fill('pending'));
    // Nothing was started after the stop, and the aborted file left no object, no row and no temp file.
    expect(w.started).toBe(FILES_OPEN_AT_ONCE);
    expect(t.station.vault.list()).toHaveLength(FILES_OPEN_AT_ONCE - 1);
    expect(readdirSync(t.station.paths.vaultTmp).filter((n) => n.endsWith('.partial'))).toEqual([]);
    const aborted = t.station.db.prepare("SELECT details FROM ledger WHERE action = 'ingest.file_aborted'").all() as { details: string }[];
    expect(aborted.map((a) => JSON.parse(a.details) as { path: string; reason: string })).toEqual([
      expect.objectContaining({ path: r.files[FILES_OPEN_AT_ONCE - 1]!.path, reason: 'io.device_gone' }),
    ]);
    // The session's closing entry comes after every file's own.
    const last = t.station.ledger.entry(t.station.ledger.size)!;
    expect(last).toMatchObject({ action: 'ingest.session_interrupted' });
  });
});
