// The CLI speaks the agency's wall clock (issue #14 item 10): times printed as local time to the
// second, dates accepted as dates (`--from 2026-12-07` is that whole day), `status` names the zone.
// The station's zone is Asia/Shanghai and the expected texts are computed here with Intl, not with
// the station's own conversion.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { station } from '../support/cli.ts';

const ZONE = 'Asia/Shanghai';
let dir: string;
const env = () => ({ STATION_DATA: dir, STATION_PASSPHRASE: 'evidence room passphrase', STATION_PASSWORD: 'admin-password', STATION_USER: 'admin' });

const parts = (iso: string) =>
  Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
const localDate = (iso: string) => {
  const p = parts(iso);
  return `${p.year}-${p.month}-${p.day}`;
};
const localTime = (iso: string) => {
  const p = parts(iso);
  return `${localDate(iso)} ${p.hour}:${p.minute}:${p.second}`;
};
const dayBefore = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

type Entry = { seq: number; time: string };

describe('station CLI: agency local time', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'station-cli-time-'));
    const init = station(['init', '--agency-code', 'ZY01', '--agency-name', '中阳县市场监督管理局', '--admin', 'admin', '--time-zone', ZONE], env());
    expect(init.code, init.stderr).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('status names the zone; lists print local times, never ISO instants', () => {
    const status = station(['status'], { STATION_DATA: dir });
    expect(status.stdout).toContain(`时区：${ZONE}`);
    expect(station(['status', '--lang', 'en'], { STATION_DATA: dir }).stdout).toContain(`Time zone: ${ZONE}`);

    const listed = JSON.parse(station(['ledger', 'show', '--json'], env()).stdout) as { entries: Entry[] };
    expect(listed.entries.length).toBeGreaterThan(0);
    const human = station(['ledger', 'show'], env());
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    for (const e of listed.entries) expect(human.stdout).toContain(localTime(e.time));
  });

  it('takes a date as the whole local day, and a local date and time', () => {
    const all = (JSON.parse(station(['ledger', 'show', '--json'], env()).stdout) as { entries: Entry[] }).entries;
    const today = localDate(all[0]!.time);
    const ofToday = all.filter((e) => localDate(e.time) === today).length;

    const day = station(['ledger', 'show', '--from', today, '--to', today, '--json'], env());
    expect(day.code, day.stderr).toBe(0);
    // The list command itself logs in, so the day holds at least what it held before.
    expect((JSON.parse(day.stdout) as { total: number }).total).toBeGreaterThanOrEqual(ofToday);
    const before = station(['ledger', 'show', '--to', dayBefore(today), '--json'], env());
    expect((JSON.parse(before.stdout) as { total: number }).total).toBe(0);

    const first = all.reduce((a, b) => (a.seq < b.seq ? a : b));
    const sameSecond = localTime(first.time);
    const fromTime = station(['ledger', 'show', '--from', sameSecond, '--json'], env());
    expect(fromTime.code, fromTime.stderr).toBe(0);
    // Whole seconds: the first entry's millisecond part puts it at or after its own local second.
    expect((JSON.parse(fromTime.stdout) as { entries: Entry[] }).entries.some((e) => e.seq === first.seq)).toBe(true);
  });

  it('refuses what is not a date, naming the option and an example', () => {
    const r = station(['ledger', 'show', '--from', '2026-13-45'], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--from');
    expect(r.stderr).toContain('2026-12-07');
    const en = station(['recordings', 'list', '--to', 'yesterday', '--lang', 'en'], env());
    expect(en.code).toBe(2);
    expect(en.stderr).toContain('“yesterday” is not a date or time');
  });
});
