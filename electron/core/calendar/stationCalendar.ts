// The station's working-day calendar: the shipped arrangements (resources/calendars/cn-<year>.json)
// with the administrator's edits (table calendar_edits, migration 0005) replayed over them in order.
// Edits live in the database, not in resources/: an app update replaces resources, and an edit an
// administrator made (a year the release did not ship yet, a correction) must survive it. Each edit
// is ledgered with the year before and after, so the record shows what every deadline was counted on.
import { StationError } from '../errors.ts';
import type { WritableDB } from '../db/database.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { applyCalendarEdit, getCalendarYear, validateCalendarYear } from './calendarData.ts';
import type { CalendarData, CalendarEdit, CalendarYear } from './calendarData.ts';
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

export type CalendarDeps = {
  db: WritableDB;
  ledger: Ledger;
  write: <T>(fn: () => T) => T;
  /** resources/calendars: the arrangements the release ships. */
  calendarsDir: string;
  /**
   * Judges the hand-overs that waited for a year the edit adds, inside the edit's transaction
   * (ingest/deadlines.ts): the ingest feature owns those rows.
   */
  judgeWaitingDeadlines: (actor: string, calendar: WorkingDayCalendar, cause: { calendarYear: number; calendarEditSeq: number }) => DeadlineJudgement[];
};

function toEdit(row: EditRow): CalendarEdit {
  return row.kind === 'put_year' ? { kind: 'put_year', year: JSON.parse(row.data ?? 'null') as CalendarYear } : { kind: 'remove_year', year: row.year };
}

export class StationCalendar {
  private readonly deps: CalendarDeps;
  // Keyed by the last edit's id too: the CLI and the desktop app may share one station, and an edit
  // made by one must count in the other's next deadline.
  private cache: { lastEdit: number; calendar: WorkingDayCalendar } | null = null;

  constructor(deps: CalendarDeps) {
    this.deps = deps;
  }

  private lastEditId(): number {
    return (this.deps.db.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM calendar_edits').get() as { n: number }).n;
  }

  private shipped(): CalendarData {
    return loadCalendarDir(this.deps.calendarsDir);
  }

  private editRows(): EditRow[] {
    return this.deps.db.prepare('SELECT * FROM calendar_edits ORDER BY id').all() as EditRow[];
  }

  private build(): WorkingDayCalendar {
    let data = this.shipped();
    for (const row of this.editRows()) {
      // A shipped year an edit removed may be gone from a newer release too; replaying the removal
      // of a year that is not there is then a no-op, not a reason to refuse to start.
      if (row.kind === 'remove_year' && !getCalendarYear(data, row.year)) continue;
      data = applyCalendarEdit(data, toEdit(row));
    }
    return new WorkingDayCalendar(data);
  }

  /** The calendar in force at this station (built once, rebuilt after each edit). */
  current(): WorkingDayCalendar {
    const lastEdit = this.lastEditId();
    if (this.cache && this.cache.lastEdit === lastEdit) return this.cache.calendar;
    const calendar = this.build();
    this.cache = { lastEdit, calendar };
    return calendar;
  }

  /**
   * A stable object whose answers always come from the calendar in force, for services that keep a
   * calendar for their lifetime (the ingest hand-over deadline) while an administrator edits it.
   */
  live(): Pick<WorkingDayCalendar, 'addWorkingDays' | 'isWorkingDay' | 'deadlineAfter' | 'workingDaysBetween'> {
    return {
      addWorkingDays: (date, n) => this.current().addWorkingDays(date, n),
      isWorkingDay: (date) => this.current().isWorkingDay(date),
      deadlineAfter: (instant, spec, timeZone) => this.current().deadlineAfter(instant, spec, timeZone),
      workingDaysBetween: (a, b) => this.current().workingDaysBetween(a, b),
    };
  }

  edits(): CalendarEditRecord[] {
    return this.editRows().map((r) => ({ id: r.id, kind: r.kind, year: r.year, reason: r.reason, editedBy: r.edited_by, editedAt: r.edited_at, ledgerSeq: r.ledger_seq }));
  }

  /** Where a year's arrangement comes from: the shipped file, an administrator's edit, or nowhere. */
  yearOrigin(year: number): 'shipped' | 'edited' | 'not_covered' {
    if (!this.current().covers(year)) return 'not_covered';
    return this.editRows().some((r) => r.year === year) ? 'edited' : 'shipped';
  }

  /**
   * Applies and records one edit: validated as strictly as the shipped files (a bad year changes
   * nothing), stored, ledgered with before and after in the same transaction.
   */
  edit(actor: string, edit: CalendarEdit, reason: string): { calendar: WorkingDayCalendar; record: CalendarEditRecord; deadlinesJudged: DeadlineJudgement[] } {
    const { db, ledger } = this.deps;
    const why = reason.trim();
    if (why.length < 2) throw new StationError('input', 'calendar.edit_reason_required', {});
    const current = this.current();
    const normalized: CalendarEdit = edit.kind === 'put_year' ? { kind: 'put_year', year: validateCalendarYear(edit.year) } : edit;
    const next = new WorkingDayCalendar(applyCalendarEdit(current.data, normalized));
    const year = normalized.kind === 'put_year' ? normalized.year.year : normalized.year;
    let deadlinesJudged: DeadlineJudgement[] = [];
    const record = this.deps.write(() => {
      const before = getCalendarYear(current.data, year);
      const after = getCalendarYear(next.data, year);
      const entry = ledger.append({
        actor,
        action: 'calendar.edited',
        subject: `calendar:${year}`,
        details: { kind: normalized.kind, year, reason: why, before: before ?? null, after: after ?? null },
      });
      const info = db
        .prepare('INSERT INTO calendar_edits (kind, year, data, reason, edited_by, edited_at, ledger_seq) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(normalized.kind, year, normalized.kind === 'put_year' ? JSON.stringify(normalized.year) : null, why, actor, entry.time, entry.seq);
      // Recordings whose hand-over deadline waited for this year are judged now, in this transaction.
      if (normalized.kind === 'put_year') deadlinesJudged = this.deps.judgeWaitingDeadlines(actor, next, { calendarYear: year, calendarEditSeq: entry.seq });
      return { id: Number(info.lastInsertRowid), kind: normalized.kind, year, reason: why, editedBy: actor, editedAt: entry.time, ledgerSeq: entry.seq };
    });
    this.cache = { lastEdit: record.id, calendar: next };
    return { calendar: next, record, deadlinesJudged };
  }
}
