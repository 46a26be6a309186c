// A hand-over deadline the calendar could not give at ingest (the recording ended in late December
// and the next year's arrangement was not yet published) is not "on time": the recording carries
// deadline_unknown until an administrator adds the year, and is judged then — once, in the same
// transaction as the calendar edit, with a ledger entry per recording (issue 15).
import type { Recordings } from '../recordings/recordings.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { isStationError } from '../errors.ts';
import { handoverDeadline, isLate, type HandoverRule } from './handover.ts';
import type { WorkingDayCalendar } from './workingDays.ts';

export type DeadlineJudgement = { recordingId: string; deadline: string; late: boolean };

export type DeadlineDeps = { recordings: Pick<Recordings, 'awaitingDeadline' | 'setDeadline'>; ledger: Pick<Ledger, 'append'>; timeZone: string };

/**
 * Must run inside Station.write. Judges every recording still waiting with the rule that was in
 * force at its ingest (kept on the row) and its storage time; a recording whose year is still not
 * covered stays waiting. `cause` names the calendar edit in the ledger entries.
 */
export function judgeUnknownDeadlines(deps: DeadlineDeps, actor: string, calendar: WorkingDayCalendar, cause: { calendarYear: number; calendarEditSeq: number }): DeadlineJudgement[] {
  const rows = deps.recordings.awaitingDeadline();
  const timeZone = deps.timeZone;
  const judged: DeadlineJudgement[] = [];
  for (const r of rows) {
    if (!r.recordedEndAt) continue;
    let deadline: Date;
    try {
      deadline = handoverDeadline(new Date(r.recordedEndAt), r.handoverRule as HandoverRule, timeZone, calendar);
    } catch (e) {
      if (isStationError(e)) continue;
      throw e;
    }
    const late = r.duplicateOf === null && isLate(new Date(r.storedAt), deadline);
    deps.ledger.append({
      actor,
      action: 'recording.deadline_judged',
      subject: `recording:${r.id}`,
      details: { deadline: deadline.toISOString(), late, storedAt: r.storedAt, ...cause },
    });
    deps.recordings.setDeadline(r.id, deadline.toISOString(), late);
    judged.push({ recordingId: r.id, deadline: deadline.toISOString(), late });
  }
  return judged;
}
