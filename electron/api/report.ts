// Supervision reports (002_79771f0fef6d4575.txt 第二十六条).
import { z } from 'zod';
import { ruleBasis } from '../core/rules/agencyRule.ts';
import type { RulePurpose } from '../core/rules/purposes.ts';
import { monthlyReport, reportCsv, REPORT_COLUMNS } from '../core/reports/monthly.ts';
import { reportHtml } from '../core/reports/reportHtml.ts';
import { ability, command, type CommandContext } from './command.ts';

/** What the monthly report counts: hand-over, interruptions, approvals and the register, discs, destructions, supervision. */
const REPORT_PURPOSES: readonly RulePurpose[] = ['supervision', 'handover', 'interruption', 'viewCopyApproval', 'register', 'discToCaseFile', 'destruction'];
const supervisors = ability('report');
const month = z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/);
const report = (station: CommandContext['station'], m: string) => monthlyReport(station.db, { month: m, timeZone: station.settings.get('agency.timeZone'), now: station.clock.now() });

export const reportHandlers = {
  /** Rows: the total, then one per officer, then one per recorder (key null = not known). */
  'report.monthly': command({
    input: z.object({ month }).strict(),
    access: supervisors,
    mutates: false,
    run: ({ station }, q) => report(station, q.month),
  }),
  /** CSV (UTF-8 with BOM) in REPORT_COLUMNS order, under the caller's translated headers and group labels. */
  'report.csv': command({
    input: z
      .object({
        month,
        headers: z.array(z.string().max(60)).length(REPORT_COLUMNS.length),
        groupLabels: z.object({ total: z.string().max(30), officer: z.string().max(30), recorder: z.string().max(30) }).strict(),
      })
      .strict(),
    access: supervisors,
    mutates: false,
    run: ({ station }, q) => ({ columns: REPORT_COLUMNS, csv: reportCsv(report(station, q.month), q.headers, q.groupLabels) }),
  }),
  /** Printable HTML (print CSS, zh + en labels). */
  'report.html': command({
    input: z.object({ month }).strict(),
    access: supervisors,
    mutates: false,
    run: ({ station }, q) => ({ html: reportHtml(report(station, q.month), station.settings.get('agency.name'), ruleBasis(station, REPORT_PURPOSES)) }),
  }),
};
