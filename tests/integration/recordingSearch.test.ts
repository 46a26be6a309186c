// Searching the catalogue (issue 14 item 15) by 案号, officer, recorder, recorded and stored dates,
// custodian, flags and free text over file names, explanations (000_f52585dae22cddca.txt 第十一条)
// and case-link notes (002 第二十三条), on a catalogue big enough that a scan would show. No timing
// is asserted: SQLite's own query plan proves each search is answered from an index, and every
// result is compared with the same question answered in plain code over the whole catalogue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStation, type TestStation } from '../support/testStation.ts';
import { ingestFixtures } from '../support/caseFixtures.ts';
import { station as cli } from '../support/cli.ts';
import { searchClauses, type SearchFilter } from '../../electron/core/recordings/search.ts';
import { recordingWhere } from '../../electron/core/recordings/catalogue.ts';
import type { ApiClient } from '../../electron/api/server.ts';

// Big enough that a scan of the catalogue, not an index, would be the plan's visible choice.
const FILLER = 60_000;
const CASE_NUMBER = '中阳市监罚〔2026〕118号';

let t: TestStation;
let custodian: ApiClient;
let real: string[];
type Row = { id: string; number: number; officer_badge: string | null; recorder_serial: string | null; recorded_at: string | null; stored_at: string; ingested_by: string; late: number; interruption: number };
let all: Row[];

beforeAll(async () => {
  t = await createTestStation();
  custodian = await t.addUser('custodian1', ['custodian'], 'custodian-pass');
  const clerk = await t.addUser('clerk1', ['clerk'], 'clerk-pass');
  // Four real recordings; the clock stands at 2026-01-05 10:00 Beijing time, so the first two are late.
  real = await ingestFixtures(custodian, [
    { local: '2026-01-01T09:00:00', officer: '010203' },
    { local: '2026-01-01T09:30:00', officer: '010203', serial: '7654321' },
    { local: '2026-01-05T08:00:00', officer: '040506' },
    { local: '2026-01-05T08:30:00', officer: '040506' },
  ]);
  await custodian.invoke('recording.explain', { id: real[0]!, kind: 'late_handover', text: '异地执法扣押现场，次日返回单位' });
  const c = await clerk.invoke('case.create', { caseNumber: CASE_NUMBER, title: '某超市销售过期食品案', enforcementType: 'penalty', party: { kind: 'organisation', name: '某某超市有限公司' } });
  await clerk.invoke('case.link', { id: c.id, recordingIds: [real[1]!, real[2]!], note: '现场检查货架及冷柜，取证地点：城关镇东街12号' });
  const other = await clerk.invoke('case.create', { caseNumber: '中阳市监罚〔2026〕11号', title: '另案', enforcementType: 'penalty', party: { kind: 'person', name: '李某' } });
  await clerk.invoke('case.link', { id: other.id, recordingIds: [real[3]!], note: '询问笔录同步录像' });

  // The filler: copies of a real catalogue row with their own number, name, officer, recorder,
  // times and custodian. Ingesting 60 000 files for real would take this test an hour; the rows are
  // the same shape the ingest writes, and the search triggers index them as they would an ingest.
  const db = t.station.db;
  const columns = (db.prepare('PRAGMA table_info(recordings)').all() as { name: string }[]).map((c) => c.name);
  const base = (db.prepare('SELECT MAX(number) AS n FROM recordings').get() as { n: number }).n;
  const override: Record<string, string> = {
    id: "printf('RC-%06d', s.n)",
    number: 's.n',
    original_name: "printf('%07d_%06d_2025%02d%02d%02d%02d00_%04d.MP4', 1000000 + s.n % 7, 100000 + s.n % 50, 1 + s.n % 12, 1 + s.n % 28, s.n % 24, s.n % 60, s.n)",
    source_path: "printf('DCIM/F%06d.MP4', s.n)",
    source_path_hex: "hex(printf('DCIM/F%06d.MP4', s.n))",
    officer_badge: "printf('%06d', 100000 + s.n % 50)",
    recorder_serial: "printf('%07d', 1000000 + s.n % 7)",
    recorded_at: "strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-01', printf('+%d minutes', s.n * 7))",
    stored_at: "strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-02', printf('+%d minutes', s.n * 7))",
    ingested_by: "CASE s.n % 3 WHEN 0 THEN 'custodian1' WHEN 1 THEN 'keeper2' ELSE 'keeper3' END",
    late: '0',
    interruption: 's.n % 97 = 0',
    duplicate_of: 'NULL',
  };
  const select = columns.map((c) => override[c] ?? `r.${c}`).join(', ');
  t.station.write(() =>
    db
      .prepare(
        `WITH RECURSIVE s(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM s WHERE n < ?)
         INSERT INTO recordings (${columns.join(', ')}) SELECT ${select} FROM s, recordings r WHERE r.id = ?`,
      )
      .run(base + 1, base + FILLER, real[3]!),
  );
  all = db.prepare('SELECT id, number, officer_badge, recorder_serial, recorded_at, stored_at, ingested_by, late, interruption FROM recordings').all() as Row[];
}, 600_000);

afterAll(() => t?.cleanup());

async function search(filter: Record<string, unknown>): Promise<{ total: number; ids: string[] }> {
  const res = await custodian.invoke('recording.list', { ...filter, limit: 1000, order: 'asc' } as never);
  return { total: res.total, ids: res.items.map((r) => r.id) };
}

/** SQLite's plan for counting a search: each step names the index it uses; no step scans the catalogue. */
function plan(filter: SearchFilter & { officer?: string; from?: string; to?: string; storedFrom?: string; storedTo?: string }): string[] {
  const { where, args } = searchClauses(t.station.db, filter);
  const also: [string, string | undefined][] = [
    ['r.officer_badge = ?', filter.officer],
    ['r.recorded_at >= ?', filter.from],
    ['r.recorded_at < ?', filter.to],
    ['r.stored_at >= ?', filter.storedFrom],
    ['r.stored_at < ?', filter.storedTo],
  ];
  for (const [sql, value] of also) {
    if (value === undefined) continue;
    where.push(sql);
    args.push(value);
  }
  const rows = t.station.db.prepare(`EXPLAIN QUERY PLAN SELECT COUNT(*) FROM recordings r WHERE ${where.join(' AND ')}`).all(...args) as { detail: string }[];
  return rows.map((r) => r.detail);
}

function noScan(steps: string[]): void {
  expect(steps.filter((s) => /^SCAN r\b/.test(s)), steps.join('\n')).toEqual([]);
}

describe('recording search on a large catalogue', () => {
  it('finds by 案号 typed in any bracket form, only recordings linked now', async () => {
    expect(all.length).toBe(FILLER + 4);
    for (const typed of [CASE_NUMBER, '2026-118', '〔2026〕118', '中阳市监罚2026-118号']) {
      expect((await search({ caseNumber: typed })).ids, typed).toEqual([real[1], real[2]]);
    }
    // 11号 is its own case: "〔2026〕11" matches 118 too, but "11号" written out does not match 118号.
    expect((await search({ caseNumber: '〔2026〕11号' })).ids).toEqual([real[3]]);
    expect((await search({ caseNumber: '〔2026〕11' })).ids.sort()).toEqual([real[1], real[2], real[3]].sort());
    expect((await search({ caseNumber: '不存在的案号' })).total).toBe(0);
    // A 案号 typed into the free text finds the case's recordings too.
    expect((await search({ text: '2026〕118' })).ids).toEqual([real[1], real[2]]);
    noScan(plan({ caseNumber: '2026-118' }));
  });

  it('finds by free text in the file name, an explanation or a link note, three characters or fewer', async () => {
    expect((await search({ text: '次日返回' })).ids).toEqual([real[0]]);
    expect((await search({ text: '扣押' })).ids).toEqual([real[0]]);
    expect((await search({ text: '城关镇东街' })).ids).toEqual([real[1], real[2]]);
    expect((await search({ text: '冷柜' })).ids).toEqual([real[1], real[2]]);
    const name = all.find((r) => r.number === all.length - 10)!;
    const fileName = (await custodian.invoke('recording.get', { id: name.id })).recording.originalName;
    const fragment = fileName.slice(-13); // '_NNNN.MP4' and a little more: unique to this row
    const found = await search({ text: fragment.toLowerCase() });
    expect(found.ids).toContain(name.id);
    expect(found.total).toBe(all.filter((r) => r.number > 4).filter((r) => fileNameOf(r.number).toLowerCase().includes(fragment.toLowerCase())).length);
    // Quotes and FTS syntax in what is typed are text, not query.
    expect((await search({ text: '"冷柜 OR *' })).total).toBe(0);
    // Any case, and LIKE's wildcards as the characters they are, one character or many (issue 16: the long ones are
    // found through their rarest trigrams and checked in code, the short ones in the search table's columns).
    // Every column of every row, read once; the texts below are ASCII, where lower case is the tokenizer's fold.
    const rows = t.station.db.prepare('SELECT rowid AS number, name, explanations, notes FROM recording_search ORDER BY rowid').all() as { number: number; name: string; explanations: string; notes: string }[];
    const idOf = new Map(all.map((r) => [r.number, r.id]));
    const containing = (text: string) =>
      rows.filter((r) => [r.name, r.explanations, r.notes].some((c) => c.toLowerCase().includes(text.toLowerCase()))).map((r) => idOf.get(r.number)!);
    expect(rows.filter((r) => r.number > 4).every((r) => r.name === `${fileNameOf(r.number)} DCIM/F${String(r.number).padStart(6, '0')}.MP4`)).toBe(true);
    for (const text of ['f000123.mP4', 'dCiM/F00012', '_0123.Mp4', '3_10001', '1000003_100017_202503', 'F00%', '00_', '%', '_%', 'F_0']) {
      const expected = containing(text);
      const got = await search({ text });
      expect(got.total, text).toBe(expected.length);
      if (expected.length <= 1000) expect(got.ids, text).toEqual(expected);
    }
    expect((await search({ text: '扣' })).ids).toEqual([real[0]]);
    expect((await search({ text: '城关镇东街12号' })).ids).toEqual([real[1], real[2]]);
    noScan(plan({ text: '城关镇东街' }));
    noScan(plan({ text: '冷柜' }));
  });

  it('finds by officer, recorder, recorded and stored dates and custodian, counts equal to the whole catalogue filtered in code', async () => {
    const officer = '100017';
    const from = '2025-03-01T00:00:00.000Z';
    const to = '2025-04-01T00:00:00.000Z';
    const byOfficer = await search({ officer, from, to });
    expect(byOfficer.total).toBe(all.filter((r) => r.officer_badge === officer && r.recorded_at! >= from && r.recorded_at! < to).length);
    expect(byOfficer.total).toBeGreaterThan(0);
    const stored = await search({ custodian: 'keeper2', storedFrom: from, storedTo: to });
    expect(stored.total).toBe(all.filter((r) => r.ingested_by === 'keeper2' && r.stored_at >= from && r.stored_at < to).length);
    expect(stored.total).toBeGreaterThan(0);
    const recorder = await search({ recorder: '7654321' });
    expect(recorder.ids).toEqual([real[1]]);
    const late = await search({ late: true, custodian: 'custodian1' });
    expect(late.ids).toEqual([real[0], real[1]]);
    const owed = await search({ needsExplanation: true, late: true });
    expect(owed.ids).toEqual([real[1]]);
    // Alone (the dashboard's and the list's flag): every unexplained late or interrupted recording, counted in the
    // covering partial index of migration 0019 and paged off it in order, never the union of the flag indexes.
    const allOwed = await search({ needsExplanation: true });
    expect(allOwed.total).toBe(all.filter((r) => (r.late === 1 && r.id !== real[0]) || r.interruption === 1).length);
    const owedWhere = recordingWhere(t.station.db, { needsExplanation: true });
    for (const sql of [`SELECT COUNT(*) FROM recordings r ${owedWhere.clause}`, `SELECT r.number FROM recordings r ${owedWhere.clause} ORDER BY r.recorded_at DESC, r.number DESC LIMIT 100`]) {
      const steps = (t.station.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...owedWhere.args) as { detail: string }[]).map((r) => r.detail);
      expect(steps[0], steps.join('\n')).toBe('SCAN r USING COVERING INDEX recordings_attention_cover');
      expect(steps.filter((d) => /MULTI-INDEX|TEMP B-TREE/.test(d)), steps.join('\n')).toEqual([]);
    }
    const interruptions = await search({ interruption: true });
    expect(interruptions.total).toBe(all.filter((r) => r.interruption === 1).length);
    expect(interruptions.total).toBeGreaterThan(600);
    noScan(plan({ officer, from, to }));
    noScan(plan({ custodian: 'keeper2', storedFrom: from, storedTo: to }));
    noScan(plan({ storedFrom: from, storedTo: to }));
  });

  it('CLI: station recordings search by 案号, text, custodian and stored dates (as dates), in both languages', () => {
    t.station.close();
    const env = { STATION_DATA: t.dir, STATION_USER: 'custodian1', STATION_PASSWORD: 'custodian-pass' };
    const byCase = cli(['recordings', 'search', '--case-number', '2026-118', '--json'], env);
    expect(byCase.code, byCase.stderr).toBe(0);
    expect((JSON.parse(byCase.stdout) as { items: { id: string }[] }).items.map((r) => r.id)).toEqual([real[1], real[2]]);
    const text = cli(['recordings', 'search', '--text', '次日返回', '--lang', 'en'], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(real[0]);
    expect(text.stdout).toContain('1 of 1');
    const stored = cli(['recordings', 'search', '--custodian', 'keeper2', '--stored-from', '2025-03-01', '--stored-to', '2025-03-31', '--json'], env);
    expect(stored.code, stored.stderr).toBe(0);
    // Dates are the agency's days (Beijing): 03-01 00:00 to the end of 03-31.
    const fromUtc = '2025-02-28T16:00:00.000Z';
    const toUtc = '2025-03-31T16:00:00.000Z';
    expect((JSON.parse(stored.stdout) as { total: number }).total).toBe(all.filter((r) => r.ingested_by === 'keeper2' && r.stored_at >= fromUtc && r.stored_at < toUtc).length);
    const bad = cli(['recordings', 'search', '--stored-from', '2025-13-01', '--lang', 'en'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('2025-13-01');
  });
});

function fileNameOf(n: number): string {
  const p = (v: number, w: number) => String(v).padStart(w, '0');
  return `${p(1000000 + (n % 7), 7)}_${p(100000 + (n % 50), 6)}_2025${p(1 + (n % 12), 2)}${p(1 + (n % 28), 2)}${p(n % 24, 2)}${p(n % 60, 2)}00_${p(n, 4)}.MP4`;
}
