import type { TFunction } from 'i18next';
import { StationUiError } from '../api.ts';
import { errorText } from '../i18n.ts';

/** Why the calendar could not give a date, in the station's own words (errors:<code>). */
export function problemText(t: TFunction, problem: { code: string; params: Record<string, unknown> }): string {
  return errorText(t, new StationUiError({ code: problem.code, kind: 'input', params: problem.params as Record<string, string | number | boolean | null> }));
}
