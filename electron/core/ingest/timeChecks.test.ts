// Issue 15: doubtful times are said so. A name four weeks in the future, a metadata time 8 hours off
// the name (local time written as UTC) and a hand-over deadline in a year the calendar does not cover
// were all accepted silently; each is now a flag on the recording, and the unknown deadline is judged
// and ledgered when the year is added.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { queryLedger } from '../ledger/query.ts';
import { createTestStation, type TestStation } from '../../../tests/support/testStation.ts';
import { nameAt, randomMp4 } from '../../../tests/support/recorderFiles.ts';
import { monthlyReport } from '../reports/monthly.ts';
import { type IngestSourceSpec } from './service.ts';
import { judgeTimes } from './metadata.ts';

let t: TestStation | null = null;
const dirs: string[] = [];
afterEach(() => {
  t?.cleanup();
  t = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** One recorder file with its file-system time set to the end of the recording, as a recorder leaves it. */
function folderWith(name: string, data: Buffer, mtime: Date): string {
  const dir = mkdtempSync(join(tmpdir(), 'time-src-'));
  dirs.push(dir);
  writeFileSync(join(dir, name), data);
  utimesSync(join(dir, name), mtime, mtime);
  return dir;
}
const spec = (root: string): IngestSourceSpec => ({ kind: 'folder', root, sourceKey: `folder:${root}`, device: null, fsType: null, label: null, recorder: null, vendorInfo: null });

async function ingestOne(station: TestStation, name: string, data: Buffer, mtime: Date) {
  const svc = station.station.ingest;
  const s = await svc.ingest(spec(folderWith(name, data, mtime)), 'keeper');
  const id = s.files[0]?.recordingId;
  if (!id) throw new Error(`not ingested: ${JSON.stringify(s.files[0])}`);
  return station.station.recordings.require(id);
}

async function stationAt(iso: string): Promise<TestStation> {
  t = await createTestStation({ clock: new ManualClock(iso) });
  await t.addUser('keeper', ['custodian']);
  return t;
}

describe('doubtful times', () => {
  it('issue 15: a name four weeks in the future is flagged time_in_future and not used as the recording time', async () => {
    const s = await stationAt('2025-03-02T01:00:00Z');
    // Name: 2025-03-30 10:00 Beijing time; the MP4 says 2025-03-01T02:03:04Z, the file system the same day.
    const rec = await ingestOne(s, nameAt({ y: 2025, mo: 3, d: 30, h: 10, mi: 0, s: 0 }, { sequence: 1 }), randomMp4(), new Date('2025-03-01T02:03:14Z'));
    expect(rec.flags).toContain('time_in_future');
    expect(rec.timeChecks.inFuture).toEqual([{ source: 'name', time: '2025-03-30T02:00:00.000Z', aheadSeconds: 28 * 86_400 + 3600 }]);
    expect(rec.recordedAtSource).toBe('metadata');
    expect(rec.recordedAt).toBe('2025-03-01T02:03:04.000Z');
    expect(rec.timeChecks.recordedAtReason).toEqual({ code: 'earlier_in_future', passedOver: ['name'] });
    // The hand-over deadline runs from the believable time, not from four weeks ahead.
    expect(rec.handover.deadline).toBe('2025-03-02T02:03:14.000Z');
    const entry = s.station.ledger.entry(rec.ingestSeq)!;
    expect(entry.details).toMatchObject({ recordedAtSource: 'metadata', recordedAtReason: { code: 'earlier_in_future' }, timeInFuture: [{ source: 'name' }] });
  });

  it('issue 15: metadata 8 hours off the name (local time written as UTC) is flagged time_mismatch, and the custodian can explain it', async () => {
    const s = await stationAt('2025-03-02T01:00:00Z');
    // Name 2025-03-01 10:00:00 Beijing = 02:00Z; the recorder wrote 10:00 into mvhd as if it were UTC.
    const rec = await ingestOne(s, nameAt({ y: 2025, mo: 3, d: 1, h: 10, mi: 0, s: 0 }, { sequence: 1 }), randomMp4({ creationTime: new Date('2025-03-01T10:00:00Z') }), new Date('2025-03-01T02:00:10Z'));
    expect(rec.flags).toContain('time_mismatch');
    expect(rec.flags).not.toContain('time_in_future');
    expect(rec.timeChecks.mismatch).toEqual([
      { a: 'name', b: 'metadata', seconds: 28_800 },
      { a: 'metadata', b: 'filesystem', seconds: 28_800 },
    ]);
    expect(rec.recordedAtSource).toBe('name');
    expect(rec.timeChecks.recordedAtReason).toEqual({ code: 'name_time', passedOver: [] });
    // Not one of the explanations the rules require: the custodian's to-do list is unchanged.
    expect(rec.flags).not.toContain('needs_explanation');

    const keeper = await s.login('keeper', 'keeper-password');
    const res = await keeper.invoke('recording.explain', { id: rec.id, kind: 'time_mismatch', text: '该记录仪时区设置错误，已校正' });
    expect(res.explanation).toMatchObject({ kind: 'time_mismatch', author: 'keeper' });
    expect(res.recording.timeChecks.explained).toBe(true);
    const ledger = queryLedger(s.station.db, { action: 'recording.explained', subject: `recording:${rec.id}`, limit: 10 }).entries;
    expect(ledger.map((e) => e.details)).toEqual([{ kind: 'time_mismatch', text: '该记录仪时区设置错误，已校正' }]);
    // Append-only, like the other explanations.
    expect(() => s.station.db.prepare('DELETE FROM time_explanations').run()).toThrow(/append-only/);
  });

  it('times within the tolerance are not flagged; the tolerance is a setting', async () => {
    const s = await stationAt('2025-03-02T01:00:00Z');
    const rec = await ingestOne(s, nameAt({ y: 2025, mo: 3, d: 1, h: 10, mi: 3, s: 0 }, { sequence: 1 }), randomMp4({ creationTime: new Date('2025-03-01T02:03:04Z') }), new Date('2025-03-01T02:03:20Z'));
    expect(rec.flags).not.toContain('time_mismatch');
    await s.admin.invoke('ingest.setSettings', { timeToleranceSeconds: { future: 300, mismatch: 2 } });
    const strict = await ingestOne(s, nameAt({ y: 2025, mo: 3, d: 1, h: 10, mi: 3, s: 0 }, { sequence: 2 }), randomMp4({ creationTime: new Date('2025-03-01T02:03:04Z') }), new Date('2025-03-01T02:03:20Z'));
    // Name 02:03:00Z, mvhd 02:03:04Z, 10 s long, last written 02:03:20Z.
    expect(strict.timeChecks.mismatch).toEqual([
      { a: 'name', b: 'metadata', seconds: 4 },
      { a: 'name', b: 'filesystem', seconds: 10 },
      { a: 'metadata', b: 'filesystem', seconds: 6 },
    ]);
  });

  it('every time in the future: the first is kept and said so, never the copy time', () => {
    const r = judgeTimes({
      nameTime: new Date('2030-01-01T00:00:00Z'),
      metaTime: new Date('2030-01-01T00:00:05Z'),
      fsTime: new Date('2030-01-01T00:00:15Z'),
      durationSeconds: 10,
      now: new Date('2025-01-01T00:00:00Z'),
      tolerance: { future: 300, mismatch: 300 },
    });
    expect(r).toMatchObject({ recordedAtSource: 'name', reason: { code: 'all_in_future', passedOver: [] } });
    expect(r.inFuture.map((f) => f.source)).toEqual(['name', 'metadata', 'filesystem']);
  });
});

// A 2026 calendar ships; 2027 does not. The test year adds 元旦 (Friday 2027-01-01) off.
const YEAR_2027 = {
  year: 2027,
  sources: [{ issuer: '国务院办公厅', title: '国务院办公厅关于2027年部分节假日安排的通知（测试用）', documentNumber: '测试〔2026〕1号', issued: '2026-11-01' }],
  periods: [{ nameZh: '元旦', nameEn: "New Year's Day", days: 1, off: ['2027-01-01'], workdays: [] }],
};

describe('deadline_unknown', () => {
  // Recorded Wednesday 2026-12-30 10:00–10:00:10 Beijing time. Under 001 第十七条 (2 working days) the
  // deadline is the end of the 2nd working day after: Thursday 31 December is the first, the second
  // lies in 2027 — 元旦 and the weekend make it Monday 2027-01-04, 24:00 Beijing = 15:59:59.999Z.
  const name = nameAt({ y: 2026, mo: 12, d: 30, h: 10, mi: 0, s: 0 }, { sequence: 1 });
  const end = new Date('2026-12-30T02:00:10Z');

  it.each([
    ['late', '2027-01-06T02:00:00Z', true],
    ['on time', '2026-12-31T02:00:00Z', false],
  ] as const)('issue 15: a recording whose deadline the calendar cannot give is flagged, counted, and judged %s when the year is added', async (_label, storedAt, late) => {
    const s = await stationAt(storedAt);
    await s.admin.invoke('ingest.setSettings', { handoverDeadline: { workingDays: 2 } });
    const rec = await ingestOne(s, name, randomMp4({ creationTime: new Date('2026-12-30T02:00:00Z') }), end);
    expect(rec.flags).toContain('deadline_unknown');
    expect(rec.handover).toMatchObject({ deadline: null, late: false, deadlineUnknown: true });
    expect(s.station.recordings.list({ deadlineUnknown: true }).items.map((r) => r.id)).toEqual([rec.id]);
    expect(s.station.dashboard.summary()).toMatchObject({ counts: { deadlinesUnknown: 1 }, deadlinesUnknown: [rec.id] });
    // The deadline is a fact of custody: nobody sets it with sqlite3 by hand either.
    expect(() => s.station.db.prepare("UPDATE recordings SET late = 1 WHERE id = ?").run(rec.id)).toThrow(/immutable/);

    const edit = await s.admin.invoke('calendar.edit', { kind: 'put_year', year: YEAR_2027, reason: '依据国务院办公厅通知补充2027年' });
    expect(edit.deadlinesJudged).toEqual([{ recordingId: rec.id, deadline: '2027-01-04T15:59:59.999Z', late }]);

    const after = s.station.recordings.require(rec.id);
    expect(after.handover).toMatchObject({ deadline: '2027-01-04T15:59:59.999Z', late, deadlineUnknown: false });
    expect(after.flags).not.toContain('deadline_unknown');
    expect(after.flags.includes('late')).toBe(late);
    expect(after.flags.includes('needs_explanation')).toBe(late);
    const judged = queryLedger(s.station.db, { action: 'recording.deadline_judged', limit: 10 }).entries;
    expect(judged).toHaveLength(1);
    expect(judged[0]).toMatchObject({ subject: `recording:${rec.id}`, actor: 'admin', details: { deadline: '2027-01-04T15:59:59.999Z', late, calendarYear: 2027, calendarEditSeq: edit.ledgerSeq } });
    expect(s.station.dashboard.summary().counts.deadlinesUnknown).toBe(0);
    // The supervision report counts the recording as the catalogue holds it now, like `recordings list`
    // (issue #14 item 4): judged, it is late or on time and no longer unknown.
    const total = (month: string) => monthlyReport(s.station.db, { month, timeZone: 'Asia/Shanghai', now: s.clock.now() }).rows[0]!;
    const beijingMonth = new Date(new Date(rec.storedAt).getTime() + 8 * 3_600_000).toISOString().slice(0, 7);
    expect(total(beijingMonth)).toMatchObject({ recordings: 1, deadlineUnknown: 0, late: late ? 1 : 0, onTime: late ? 0 : 1 });
    // Judged once: the deadline is a fact again.
    expect(() => s.station.db.prepare("UPDATE recordings SET deadline_unknown = 1, handover_deadline = NULL WHERE id = ?").run(rec.id)).toThrow(/immutable/);
  });
});

describe('recorder clock drift at dock', () => {
  it('issue 15: a recorder clock an hour ahead is estimated from the newest file, recorded on the session and its recordings, and flagged', async () => {
    const s = await stationAt('2025-03-01T03:00:00Z');
    // Station: 11:00 Beijing. Newest file named 12:00 Beijing: the recorder is at least an hour ahead.
    const dir = mkdtempSync(join(tmpdir(), 'time-src-'));
    dirs.push(dir);
    const older = nameAt({ y: 2025, mo: 3, d: 1, h: 9, mi: 0, s: 0 }, { sequence: 1 });
    const newest = nameAt({ y: 2025, mo: 3, d: 1, h: 12, mi: 0, s: 0 }, { sequence: 2 });
    writeFileSync(join(dir, older), randomMp4({ creationTime: new Date('2025-03-01T01:00:00Z') }));
    writeFileSync(join(dir, newest), randomMp4({ creationTime: new Date('2025-03-01T04:00:00Z') }));
    utimesSync(join(dir, older), new Date('2025-03-01T01:00:10Z'), new Date('2025-03-01T01:00:10Z'));
    utimesSync(join(dir, newest), new Date('2025-03-01T04:00:10Z'), new Date('2025-03-01T04:00:10Z'));
    const svc = s.station.ingest;
    const { session, files } = await svc.ingest(spec(dir), 'keeper');
    expect(session.clockDrift).toEqual({ seconds: 3600, source: 'estimate:newest_file_name', beyondTolerance: true });
    for (const f of files) {
      const rec = s.station.recordings.require(f.recordingId!);
      expect(rec.clockDrift).toEqual({ seconds: 3600, source: 'estimate:newest_file_name' });
      expect(rec.flags).toContain('clock_drift');
    }
    const started = queryLedger(s.station.db, { action: 'ingest.session_started', limit: 1 }).entries[0]!;
    expect(started.details).toMatchObject({ clockDrift: { seconds: 3600, source: 'estimate:newest_file_name', file: newest } });

    // Within the setting it is recorded but not flagged.
    await s.admin.invoke('ingest.setSettings', { clockDriftToleranceSeconds: 7200 });
    expect(s.station.recordings.require(files[0]!.recordingId!).flags).not.toContain('clock_drift');
  });
});
