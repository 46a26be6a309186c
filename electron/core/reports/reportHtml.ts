// The monthly supervision report as a printable page (bilingual labels, see cases/printable.ts).
import { bi, dataTable, escapeHtml, htmlPage, localTimeText } from '../cases/printable.ts';
import type { MonthlyReport, ReportRow } from './monthly.ts';

const GROUP: Record<ReportRow['group'], string> = { total: '合计 Total', officer: '执法人员 Officer', recorder: '记录设备 Recorder' };

function pct(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

/** `basis`: the articles of the agency's rule the report serves (core/rules/agencyRule.ts ruleBasis), or null when none is chosen. */
export function reportHtml(report: MonthlyReport, agencyName: string, basis: { zh: string; en: string } | null = null): string {
  const rows = report.rows.map((r) => [
    GROUP[r.group],
    r.key ?? (r.group === 'total' ? '' : '未知 unknown'),
    r.name ?? '',
    r.recordings,
    r.onTime,
    r.late,
    r.deadlineUnknown,
    pct(r.timelinessRate),
    r.lateExplanations,
    r.interruptions,
    r.interruptionExplanations,
    r.requestsApproved,
    r.requestsDenied,
    r.discsBurned,
    r.destructions,
  ]);
  const body = `
<h1>${bi(`执法全过程记录监督月报 ${report.month}`, `Monthly supervision report, ${report.month}`)}</h1>
<p class="meta">${escapeHtml(agencyName)} · ${escapeHtml(localTimeText(report.from, report.timeZone))} — ${escapeHtml(localTimeText(report.to, report.timeZone))} (${escapeHtml(report.timeZone)})</p>
${dataTable(
  [
    ['分组', 'Group'],
    ['编号', 'Id'],
    ['名称', 'Name'],
    ['音像记录', 'Recordings'],
    ['按时移交', 'On time'],
    ['逾期移交', 'Late'],
    ['期限未知', 'Deadline unknown'],
    ['及时率', 'Timeliness'],
    ['逾期说明', 'Late explanations'],
    ['中止记录', 'Interruptions'],
    ['中止说明', 'Interruption explanations'],
    ['批准申请', 'Requests approved'],
    ['驳回申请', 'Requests denied'],
    ['刻录光盘', 'Discs burned'],
    ['销毁', 'Destroyed'],
  ],
  rows,
)}
<p class="meta">${basis ? `${bi(basis.zh, basis.en)} · ` : ''}${bi('数据来源：音像记录按本工作站目录现状，申请、刻录、销毁按审计日志', 'Source: recordings as the station catalogues them now; decisions, discs and destructions from the ledger')} · ${bi('生成时间', 'Generated')} ${escapeHtml(localTimeText(report.generatedAt, report.timeZone))}</p>
`;
  return htmlPage(`监督月报 ${report.month}`, body, { landscape: true });
}
