// Monthly supervision report (002_79771f0fef6d4575.txt 第二十六条: 监督检查 of full-process recording):
// per officer and per recorder — recordings handed over, hand-over timeliness, late and interruption
// explanations, requests approved and denied, discs burned, recordings destroyed.
//
// The recording figures (handed over, on time, late, unknown deadline, interruptions, and the
// recordings explained) are the recordings handed over (stored) in the month as the ledger says they
// are now, each column the total of `recordings list` with the filter COLUMN_FILTERS names (issue
// #14 item 4: the report counted an interruption the station had withdrawn, and explanation entries
// instead of recordings explained). So a deadline judged later, an interruption withdrawn or an
// officer corrected changes the month's figure exactly as it changes the list. Decisions, discs and
// destructions are events: counted from the ledger in the month they happened. Months are calendar
// months in the agency's time zone.
import { StationError } from '../errors.ts';
import type { ReadableDB } from '../db/database.ts';
import { iterateEntriesBetween, iterateEntriesOf } from '../ledger/query.ts';
import { localTimeToUtc } from '../media/localTime.ts';
import { officerNames, recorderNames } from '../ingest/registry.ts';
import type { RecordingFilter } from '../recordings/catalogue.ts';
import { REPORT_COLUMNS } from '../../shared/reports.ts';

export type ReportGroup = 'total' | 'officer' | 'recorder';

export type ReportRow = {
  group: ReportGroup;
  /** Officer badge or recorder serial; null for the total row and for recordings nobody is known for. */
  key: string | null;
  /** Officer's name or recorder's model, where registered. */
  name: string | null;
  recordings: number;
  onTime: number;
  late: number;
  /** Hand-overs whose deadline the calendar could not compute (a year it does not cover). */
  deadlineUnknown: number;
  /** onTime / (onTime + late); null when there is nothing to rate. */
  timelinessRate: number | null;
  lateExplanations: number;
  interruptions: number;
  interruptionExplanations: number;
  requestsApproved: number;
  requestsDenied: number;
  discsBurned: number;
  destructions: number;
};

export type MonthlyReport = {
  month: string;
  from: string;
  to: string;
  timeZone: string;
  generatedAt: string;
  /** The recordings every recording column counts: COLUMN_FILTERS narrows it per column. */
  recordingFilter: RecordingFilter;
  rows: ReportRow[];
};

type RecordingColumn = 'recordings' | 'onTime' | 'late' | 'deadlineUnknown' | 'lateExplanations' | 'interruptions' | 'interruptionExplanations';

/** Each recording column as a `recordings list` filter, on top of the month's recordingFilter. */
export const COLUMN_FILTERS: Record<RecordingColumn, RecordingFilter> = {
  recordings: {},
  onTime: { late: false, deadlineUnknown: false },
  late: { late: true },
  deadlineUnknown: { deadlineUnknown: true },
  lateExplanations: { late: true, explained: 'late_handover' },
  interruptions: { interruption: true },
  interruptionExplanations: { interruption: true, explained: 'interruption' },
};

/**
 * Ledger actions of the disc feature that record a verified burn, with the recordings on the disc
 * in `details.recordings`. Kept here as data so the name can follow that feature without touching
 * the counting.
 */
export const DISC_BURN_ACTIONS = ['disc.burned'] as const;

export { REPORT_COLUMNS };
// Every column the shared list names is a field of the row written under it.
const columnsAreFields: readonly (keyof ReportRow)[] = REPORT_COLUMNS;
void columnsAreFields;

type Entry = { seq: number; time: string; actor: string; action: string; subject: string; details: string };

export function monthRange(month: string, timeZone: string): { from: Date; to: Date } {
  const m = /^([0-9]{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new StationError('input', 'report.bad_month', { month });
  const year = Number(m[1]);
  const mon = Number(m[2]);
  const from = localTimeToUtc({ year, month: mon, day: 1, hour: 0, minute: 0, second: 0 }, timeZone);
  const next = mon === 12 ? { year: year + 1, month: 1 } : { year, month: mon + 1 };
  const to = localTimeToUtc({ ...next, day: 1, hour: 0, minute: 0, second: 0 }, timeZone);
  return { from, to };
}

function emptyRow(group: ReportGroup, key: string | null, name: string | null): ReportRow {
  return {
    group,
    key,
    name,
    recordings: 0,
    onTime: 0,
    late: 0,
    deadlineUnknown: 0,
    timelinessRate: null,
    lateExplanations: 0,
    interruptions: 0,
    interruptionExplanations: 0,
    requestsApproved: 0,
    requestsDenied: 0,
    discsBurned: 0,
    destructions: 0,
  };
}

type Counter = Exclude<keyof ReportRow, 'group' | 'key' | 'name' | 'timelinessRate'>;

export function monthlyReport(db: ReadableDB, options: { month: string; timeZone: string; now: Date }): MonthlyReport {
  const { from, to } = monthRange(options.month, options.timeZone);
  const fromIso = from.toISOString();
  const toIso = to.toISOString();

  const names = {
    officer: officerNames(db),
    recorder: recorderNames(db),
  };
  const total = emptyRow('total', null, null);
  const rows = { officer: new Map<string | null, ReportRow>(), recorder: new Map<string | null, ReportRow>() };
  const rowOf = (group: 'officer' | 'recorder', key: string | null): ReportRow => {
    let r = rows[group].get(key);
    if (!r) {
      r = emptyRow(group, key, key === null ? null : (names[group].get(key) ?? null));
      rows[group].set(key, r);
    }
    return r;
  };
  // Each recording as the ledger says it is now: who it belongs to (ingest, then any custodian
  // correction), its hand-over judgement (a deadline judged when the year was added), whether it is
  // an interruption (flagged, or withdrawn by the station), and which explanations it has. The
  // catalogue holds the same facts, so every column equals `recordings list` with its COLUMN_FILTERS
  // entry (tested), while the central witness, which holds only the mirrored ledger, counts the same
  // figures with this same code (electron/central/report.ts).
  type Known = { storedAt: string; officer: string | null; recorder: string | null; late: boolean; deadlineKnown: boolean; interruption: boolean; explained: Set<string> };
  const known = new Map<string, Known>();
  for (const e of iterateEntriesOf(db, [
    'recording.ingested',
    'recording.officer_assigned',
    'recording.recorder_assigned',
    'recording.deadline_judged',
    'recording.flagged',
    'recording.unflagged',
    'recording.explained',
  ])) {
    const id = e.subject.replace(/^recording:/, '');
    const d = JSON.parse(e.details) as Record<string, unknown>;
    if (e.action === 'recording.ingested') {
      // A duplicate is footage already handed over, copied again: not a second hand-over.
      if (d.outcome !== 'ingested') continue;
      const h = d.handover as { late?: boolean; deadline?: string | null } | undefined;
      known.set(id, {
        storedAt: e.time,
        officer: (d.officer as string | null | undefined) ?? null,
        recorder: (d.recorder as string | null | undefined) ?? null,
        late: h?.late === true,
        deadlineKnown: h?.late === true || !!h?.deadline,
        interruption: !!d.interruption,
        explained: new Set(),
      });
      continue;
    }
    const r = known.get(id);
    if (!r) continue;
    if (e.action === 'recording.officer_assigned') r.officer = (d.to as string | null | undefined) ?? null;
    else if (e.action === 'recording.recorder_assigned') r.recorder = (d.to as string | null | undefined) ?? null;
    else if (e.action === 'recording.deadline_judged') {
      r.late = d.late === true;
      r.deadlineKnown = true;
    } else if (e.action === 'recording.flagged' && d.flag === 'interruption') r.interruption = true;
    else if (e.action === 'recording.unflagged' && d.flag === 'interruption') r.interruption = false;
    else if (e.action === 'recording.explained' && typeof d.kind === 'string') r.explained.add(d.kind);
  }
  const recordingFilter: RecordingFilter = { storedFrom: fromIso, storedTo: toIso, includeDuplicates: false };
  const columns: Record<RecordingColumn, (r: Known) => boolean> = {
    recordings: () => true,
    onTime: (r) => !r.late && r.deadlineKnown,
    late: (r) => r.late,
    deadlineUnknown: (r) => !r.deadlineKnown,
    lateExplanations: (r) => r.late && r.explained.has('late_handover'),
    interruptions: (r) => r.interruption,
    interruptionExplanations: (r) => r.interruption && r.explained.has('interruption'),
  };
  for (const r of known.values()) {
    if (r.storedAt < fromIso || r.storedAt >= toIso) continue;
    for (const [field, applies] of Object.entries(columns) as [RecordingColumn, (r: Known) => boolean][]) {
      if (!applies(r)) continue;
      total[field] += 1;
      rowOf('officer', r.officer)[field] += 1;
      rowOf('recorder', r.recorder)[field] += 1;
    }
  }

  /** Counts once per officer and once per recorder among `recordingIds`, and once in the total. */
  const count = (field: Counter, recordingIds: string[]) => {
    total[field] += 1;
    const officers = new Set(recordingIds.map((id) => known.get(id)?.officer ?? null));
    const recorders = new Set(recordingIds.map((id) => known.get(id)?.recorder ?? null));
    for (const o of officers) rowOf('officer', o)[field] += 1;
    for (const r of recorders) rowOf('recorder', r)[field] += 1;
  };

  const burnActions: readonly string[] = DISC_BURN_ACTIONS;
  for (const e of iterateEntriesBetween(db, fromIso, toIso) as Iterable<Entry>) {
    const d = JSON.parse(e.details) as Record<string, unknown>;
    const recording = e.subject.startsWith('recording:') ? e.subject.slice('recording:'.length) : null;
    switch (e.action) {
      case 'request.approved':
        // A classified recording needs two approvals (002 第二十五条): the request counts once, when complete.
        if (d.complete === true) count('requestsApproved', (d.recordings as string[] | undefined) ?? []);
        break;
      case 'request.denied':
        count('requestsDenied', (d.recordings as string[] | undefined) ?? []);
        break;
      case 'recording.destroyed':
        if (recording) count('destructions', [recording]);
        break;
      default:
        if (burnActions.includes(e.action)) count('discsBurned', (d.recordings as string[] | undefined) ?? []);
    }
  }
  const rate = (r: ReportRow) => ({ ...r, timelinessRate: r.onTime + r.late > 0 ? r.onTime / (r.onTime + r.late) : null });
  const sorted = (m: Map<string | null, ReportRow>) => [...m.values()].sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : a.key.localeCompare(b.key))).map(rate);
  return {
    month: options.month,
    from: fromIso,
    to: toIso,
    timeZone: options.timeZone,
    generatedAt: options.now.toISOString(),
    recordingFilter,
    rows: [rate(total), ...sorted(rows.officer), ...sorted(rows.recorder)],
  };
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  // A leading =, +, - or @ would run as a formula in a spreadsheet (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** CSV with the caller's translated headers (the api speaks no language) and group labels. */
export function reportCsv(report: MonthlyReport, headers: string[], groupLabels: Record<ReportGroup, string>): string {
  if (headers.length !== REPORT_COLUMNS.length) throw new StationError('input', 'report.bad_headers', { expected: REPORT_COLUMNS.length, got: headers.length });
  const lines = [headers.map(csvCell).join(',')];
  for (const r of report.rows) {
    lines.push(
      REPORT_COLUMNS.map((c) => {
        if (c === 'group') return csvCell(groupLabels[r.group]);
        if (c === 'timelinessRate') return csvCell(r.timelinessRate === null ? '' : r.timelinessRate.toFixed(4));
        return csvCell(r[c]);
      }).join(','),
    );
  }
  // BOM: spreadsheet programs on the stations' Windows PCs read UTF-8 Chinese only with it.
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
