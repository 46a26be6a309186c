// The register of views and copies (登记), as rows, a printable page and CSV.
import { z } from 'zod';
import { registerCsv, registerHtml, registerRows } from '../core/access/register.ts';
import { ruleBasis } from '../core/rules/agencyRule.ts';
import { command, roles } from './command.ts';
import { REGISTER_COLUMNS } from '../shared/reports.ts';

const isoTime = z.iso.datetime({ offset: true });

export const registerHandlers = {
  'register.list': command({
    input: z.object({ from: isoTime.optional(), to: isoTime.optional(), actor: z.string().max(64).optional() }).strict(),
    access: roles('auditor', 'approver', 'custodian', 'admin'),
    mutates: false,
    run: ({ station }, q) => registerRows(station.db, q),
  }),
  /** The register as a printable page with the 案号 and people's names (issue 14 item 7). */
  'register.print': command({
    input: z.object({ from: isoTime.optional(), to: isoTime.optional() }).strict(),
    access: roles('auditor', 'approver', 'custodian', 'admin'),
    mutates: false,
    run: ({ station }, q) => ({
      html: registerHtml(registerRows(station.db, q), {
        agencyName: station.settings.get('agency.name'),
        timeZone: station.settings.get('agency.timeZone'),
        from: q.from,
        to: q.to,
        basis: ruleBasis(station, ['register', 'viewCopyApproval']),
        printedAt: station.clock.now().toISOString(),
      }),
    }),
  }),
  'register.csv': command({
    input: z
      .object({
        from: isoTime.optional(),
        to: isoTime.optional(),
        // The caller's translated column headers and kind labels: the api itself speaks no language.
        headers: z.array(z.string().max(50)).length(REGISTER_COLUMNS.length),
        kindLabels: z.object({ view: z.string(), spot_check: z.string(), copy: z.string(), burn: z.string() }),
      })
      .strict(),
    access: roles('auditor', 'approver', 'custodian', 'admin'),
    mutates: false,
    run: ({ station }, q) => ({ csv: registerCsv(registerRows(station.db, q), q.headers, (k) => q.kindLabels[k]) }),
  }),
};
