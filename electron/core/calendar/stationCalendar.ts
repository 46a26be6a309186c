// The station's working-day calendar: the shipped arrangements (resources/calendars/cn-<year>.json)
// with the administrator's edits (table calendar_edits, migration 0005) replayed over them in order.
// Edits live in the database, not in resources/: an app update replaces resources, and an edit an
// administrator made (a year the release did not ship yet, a correction) must survive it. Each edit
// is ledgered with the year before and after, so the record shows what every deadline was counted on.
import { join } from 'node:path';
import { StationError } from '../errors.ts';
import type { Station } from '../station.ts';
import { applyCalendarEdit, getCalendarYear, validateCalendarYear } from './calendarData.ts';
import type { CalendarData, CalendarEdit, CalendarYear } from './calendarData.ts';
import { judgeUnknownDeadlines } from '../ingest/deadlines.ts';
import type { DeadlineJudgement } from '../ingest/deadlines.ts';
import { loadCalendarDir } from './loader.ts';
import { WorkingDayCalendar } from './workingDays.ts';

export type CalendarEditRecord = {
  id: number;
  kind: CalendarEdit['kind'];
  year: number;
  reason: string;
  editedBy: string;
  editedAt: string;
  ledgerSeq: number;
};

type EditRow = { id: number; kind: CalendarEdit['kind']; year: number; data: string | null; reason: string; edited_by: string; edited_at: string; ledger_seq: number };

// Keyed by the last edit's id too: the CLI and the desktop app may share one station, and an edit
// made by one must count in the other's next deadline.
const cache = new WeakMap<Station, { lastEdit: number; calendar: WorkingDayCalendar }>();

function lastEditId(station: Station): number {
  return (station.db.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM calendar_edits').get() as { n: number }).n;
}

function shipped(station: Station): CalendarData {
  return loadCalendarDir(join(station.paths.resources, 'calendars'));
}

function editRows(station: Station): EditRow[] {
  return station.db.prepare('SELECT * FROM calendar_edits ORDER BY id').all() as EditRow[];
}

function toEdit(row: EditRow): CalendarEdit {
  return row.kind === 'put_year' ? { kind: 'put_year', year: JSON.parse(row.data ?? 'null') as CalendarYear } : { kind: 'remove_year', year: row.year };
}

function build(station: Station): WorkingDayCalendar {
  let data = shipped(station);
  for (const row of editRows(station)) {
    // A shipped year an edit removed may be gone from a newer release too; replaying the removal
    // of a year that is not there is then a no-op, not a reason to refuse to start.
    if (row.kind === 'remove_year' && !getCalendarYear(data, row.year)) continue;
    data = applyCalendarEdit(data, toEdit(row));
  }
  return new WorkingDayCalendar(data);
}

/** The calendar in force at this station (built once, rebuilt after each edit). */
export function calendarOf(station: Station): WorkingDayCalendar {
  const lastEdit = lastEditId(station);
  const c = cache.get(station);
  if (c && c.lastEdit === lastEdit) return c.calendar;
  const calendar = build(station);
  cache.set(station, { lastEdit, calendar });
  return calendar;
}

/**
 * A stable object whose answers always come from the calendar in force, for services that keep a
 * calendar for their lifetime (the ingest hand-over deadline) while an administrator edits it.
 */
export function liveCalendar(station: Station): Pick<WorkingDayCalendar, 'addWorkingDays' | 'isWorkingDay' | 'deadlineAfter' | 'workingDaysBetween'> {
  return {
    addWorkingDays: (date, n) => calendarOf(station).addWorkingDays(date, n),
    isWorkingDay: (date) => calendarOf(station).isWorkingDay(date),
    deadlineAfter: (instant, spec, timeZone) => calendarOf(station).deadlineAfter(instant, spec, timeZone),
    workingDaysBetween: (a, b) => calendarOf(station).workingDaysBetween(a, b),
  };
}

export function calendarEdits(station: Station): CalendarEditRecord[] {
  return editRows(station).map((r) => ({ id: r.id, kind: r.kind, year: r.year, reason: r.reason, editedBy: r.edited_by, editedAt: r.edited_at, ledgerSeq: r.ledger_seq }));
}

/** Where a year's arrangement comes from: the shipped file, an administrator's edit, or nowhere. */
export function yearOrigin(station: Station, year: number): 'shipped' | 'edited' | 'not_covered' {
  if (!calendarOf(station).covers(year)) return 'not_covered';
  return editRows(station).some((r) => r.year === year) ? 'edited' : 'shipped';
}

/**
 * Applies and records one edit: validated as strictly as the shipped files (a bad year changes
 * nothing), stored, ledgered with before and after in the same transaction.
 */
export function editCalendar(
  station: Station,
  actor: string,
  edit: CalendarEdit,
  reason: string,
): { calendar: WorkingDayCalendar; record: CalendarEditRecord; deadlinesJudged: DeadlineJudgement[] } {
  const why = reason.trim();
  if (why.length < 2) throw new StationError('input', 'calendar.edit_reason_required', {});
  const current = calendarOf(station);
  const normalized: CalendarEdit = edit.kind === 'put_year' ? { kind: 'put_year', year: validateCalendarYear(edit.year) } : edit;
  const next = new WorkingDayCalendar(applyCalendarEdit(current.data, normalized));
  const year = normalized.kind === 'put_year' ? normalized.year.year : normalized.year;
  let deadlinesJudged: DeadlineJudgement[] = [];
  const record = station.write(() => {
    const before = getCalendarYear(current.data, year);
    const after = getCalendarYear(next.data, year);
    const entry = station.ledger.append({
      actor,
      action: 'calendar.edited',
      subject: `calendar:${year}`,
      details: { kind: normalized.kind, year, reason: why, before: before ?? null, after: after ?? null },
    });
    const info = station.db
      .prepare('INSERT INTO calendar_edits (kind, year, data, reason, edited_by, edited_at, ledger_seq) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(normalized.kind, year, normalized.kind === 'put_year' ? JSON.stringify(normalized.year) : null, why, actor, entry.time, entry.seq);
    // Recordings whose hand-over deadline waited for this year are judged now, in this transaction.
    if (normalized.kind === 'put_year') deadlinesJudged = judgeUnknownDeadlines({ recordings: station.recordings, ledger: station.ledger, timeZone: station.settings.get('agency.timeZone') }, actor, next, { calendarYear: year, calendarEditSeq: entry.seq });
    return { id: Number(info.lastInsertRowid), kind: normalized.kind, year, reason: why, editedBy: actor, editedAt: entry.time, ledgerSeq: entry.seq };
  });
  cache.set(station, { lastEdit: record.id, calendar: next });
  return { calendar: next, record, deadlinesJudged };
}
