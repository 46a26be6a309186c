// Reads the bundled arrangements, resources/calendars/cn-<year>.json. The directory is passed in:
// where resources live depends on the front end (repository, out/, packaged app), not on core.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StationError, fromSystemError } from '../errors.ts';
import { buildCalendarData, validateCalendarYear } from './calendarData.ts';
import type { CalendarData, CalendarYear } from './calendarData.ts';

export const CALENDAR_FILE_PATTERN = /^cn-([0-9]{4})\.json$/;

/** Parses and validates one file's text; the year in the file name must equal its `year` field. */
export function parseCalendarFile(fileName: string, text: string): CalendarYear {
  const m = CALENDAR_FILE_PATTERN.exec(fileName);
  if (!m) throw new StationError('input', 'calendar.data_file_name', { file: fileName });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new StationError('input', 'calendar.data_not_json', { file: fileName }, { cause: e });
  }
  return validateCalendarYear(raw, { expectedYear: Number(m[1]), file: fileName });
}

/**
 * Every `cn-<year>.json` in `dir`, validated. Any other `cn-*.json` (a misnamed year) is refused
 * rather than skipped, so a typo cannot silently drop a year; other files (README.md) are ignored.
 */
export function loadCalendarDir(dir: string): CalendarData {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    throw fromSystemError(e, dir);
  }
  const years: CalendarYear[] = [];
  for (const name of names) {
    if (!name.startsWith('cn-') || !name.endsWith('.json')) continue;
    const path = join(dir, name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw fromSystemError(e, path);
    }
    years.push(parseCalendarFile(name, text));
  }
  return buildCalendarData(years);
}
