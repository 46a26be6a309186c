// Hand-over deadline: how long an officer may keep a recording before it is stored at the station.
// The rules differ, so the figure is the agency's setting ('handover.deadline'):
//   { hours: 24 }       000_f52585dae22cddca.txt 第十一条, 002_79771f0fef6d4575.txt 第二十二条,
//                       004_5e30f22f36db076d.txt 第十六条
//   { workingDays: 2 }  001_463737bbe8e11e75.txt 第十七条
// It runs from the END of the recording (the rules: "音像记录制作完成后") to its storage here.
import { StationError } from '../errors.ts';
import { endOfLocalDay, localDateAt, type WorkingDayCalendar } from './workingDays.ts';

export type HandoverRule = { hours: number } | { workingDays: number };

export const HANDOVER_PRESETS = {
  hours_24: { hours: 24 },
  working_days_2: { workingDays: 2 },
} as const satisfies Record<string, HandoverRule>;

/**
 * - `{ hours }`: exactly that many hours after the end;
 * - `{ workingDays }`: the end (24:00 local) of the n-th working day after the local day the
 *   recording ended — the day itself is not counted (《民法典》第二百零一条), the same convention as
 *   electron/core/calendar/workingDays.ts.
 */
export function handoverDeadline(endAt: Date, rule: HandoverRule, timeZone: string, calendar: WorkingDayCalendar): Date {
  if ('hours' in rule) {
    if (!(rule.hours >= 0)) throw new StationError('input', 'ingest.bad_deadline', { value: rule.hours });
    return new Date(endAt.getTime() + rule.hours * 3_600_000);
  }
  if ('workingDays' in rule) {
    return endOfLocalDay(calendar.addWorkingDays(localDateAt(endAt, timeZone), rule.workingDays), timeZone);
  }
  throw new StationError('input', 'ingest.bad_deadline', { value: JSON.stringify(rule) });
}

export function isLate(storedAt: Date, deadline: Date): boolean {
  return storedAt.getTime() > deadline.getTime();
}
