import { describe, expect, it } from 'vitest';
import { monthRange, reportCsv, REPORT_COLUMNS, type MonthlyReport } from './monthly.ts';

describe('monthly report helpers', () => {
  it('a month is the calendar month in the agency zone', () => {
    expect(monthRange('2026-12', 'Asia/Shanghai')).toEqual({ from: new Date('2026-11-30T16:00:00Z'), to: new Date('2026-12-31T16:00:00Z') });
    expect(monthRange('2028-02', 'Asia/Shanghai').to).toEqual(new Date('2028-02-29T16:00:00Z'));
    for (const bad of ['2026-13', '2026-1', '26-01', '']) expect(() => monthRange(bad, 'Asia/Shanghai')).toThrow(expect.objectContaining({ code: 'report.bad_month' }));
  });

  it('CSV: BOM, CRLF, quoting, and no spreadsheet formulas from data', () => {
    const report: MonthlyReport = {
      month: '2026-01',
      from: '',
      to: '',
      timeZone: 'Asia/Shanghai',
      generatedAt: '',
      recordingFilter: {},
      rows: [
        {
          group: 'officer',
          key: '=HYPERLINK("x")',
          name: '张, 三',
          recordings: 1,
          onTime: 1,
          late: 0,
          deadlineUnknown: 0,
          timelinessRate: 1,
          lateExplanations: 0,
          interruptions: 0,
          interruptionExplanations: 0,
          requestsApproved: 0,
          requestsDenied: 0,
          discsBurned: 0,
          destructions: 0,
        },
      ],
    };
    const csv = reportCsv(report, [...REPORT_COLUMNS], { total: 'T', officer: 'O', recorder: 'R' });
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const [, row] = csv.slice(1).split('\r\n');
    expect(row).toBe(`O,"'=HYPERLINK(""x"")","张, 三",1,1,0,0,1.0000,0,0,0,0,0,0,0`);
    expect(() => reportCsv(report, ['only one'], { total: 'T', officer: 'O', recorder: 'R' })).toThrow(expect.objectContaining({ code: 'report.bad_headers' }));
  });
});
