import type { ReadableDB } from '../db/database.ts';
import { rowToEntry } from '../ledger/ledger.ts';
import { ledgerRowsMatching } from '../ledger/query.ts';
import { caseNumberOf, personName } from '../papers/names.ts';
import { bi, dataTable, escapeHtml, htmlPage, localTimeText } from '../cases/printable.ts';

/**
 * The viewing and copying register of 004 第二十条: 调阅人, 复制人, 审批人, 时间, 事由. It is derived
 * from the ledger every time — never kept as a separate table that could drift from it.
 */
export type RegisterRow = {
  seq: number;
  time: string;
  kind: 'view' | 'spot_check' | 'copy' | 'burn';
  viewer: string | null; // 调阅人
  copier: string | null; // 复制人
  approvers: string[]; // 审批人
  purpose: string; // 事由
  requestId: string | null;
  recordings: string[];
  /** The 案号 of the request's case (issue 14 item 7), null when the request names none. */
  caseNumber: string | null;
  /** People by real name with the login in brackets, as the printed register shows them. */
  viewerName: string | null;
  copierName: string | null;
  approverNames: string[];
};

export const REGISTER_ACTIONS = ['view.started', 'view.spot_check', 'export.written', 'disc.burned'] as const;

export function registerRows(db: ReadableDB, q: { from?: string; to?: string; actor?: string } = {}): RegisterRow[] {
  const rows = ledgerRowsMatching(db, { ...q, actions: REGISTER_ACTIONS });
  // A month's register names the same few people hundreds of times: each looked up once.
  const names = new Map<string, string>();
  const nameOf = (username: string): string => {
    let name = names.get(username);
    if (name === undefined) names.set(username, (name = personName(db, username)));
    return name;
  };
  const caseOfRequest = db.prepare('SELECT case_id FROM requests WHERE id = ?');
  return rows.map((row) => {
    const e = rowToEntry(row);
    const d = e.details as { requestId?: string | null; purpose?: string; approvers?: string[]; recordings?: string[] };
    const subjectRecording = e.subject.startsWith('recording:') ? [e.subject.slice('recording:'.length)] : [];
    const kind = e.action === 'view.started' ? 'view' : e.action === 'view.spot_check' ? 'spot_check' : e.action === 'export.written' ? 'copy' : 'burn';
    const viewing = kind === 'view' || kind === 'spot_check';
    const viewer = viewing ? e.actor : null;
    // A disc recorded on recovery after a crash is the system's entry on behalf of the job's operator.
    const copier = viewing ? null : e.actor === 'system' && typeof (e.details as { operator?: unknown }).operator === 'string' ? (e.details as { operator: string }).operator : e.actor;
    const requestId = d.requestId ?? null;
    const caseId = requestId ? ((caseOfRequest.get(requestId) as { case_id: string | null } | undefined)?.case_id ?? null) : null;
    return {
      seq: e.seq,
      time: e.time,
      kind,
      viewer,
      copier,
      approvers: d.approvers ?? [],
      purpose: d.purpose ?? '',
      requestId,
      recordings: d.recordings ?? subjectRecording,
      caseNumber: caseNumberOf(db, caseId),
      viewerName: viewer ? nameOf(viewer) : null,
      copierName: copier ? nameOf(copier) : null,
      approverNames: (d.approvers ?? []).map(nameOf),
    };
  });
}

/** CSV (RFC 4180, UTF-8 with BOM so Excel on a Chinese Windows opens it correctly). */
export function registerCsv(rows: RegisterRow[], headers: string[], kindLabel: (kind: RegisterRow['kind']) => string): string {
  const esc = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [headers.map(esc).join(',')];
  for (const r of rows) {
    lines.push([String(r.seq), r.time, kindLabel(r.kind), r.viewerName ?? '', r.copierName ?? '', r.approverNames.join(' '), r.purpose, r.requestId ?? '', r.recordings.join(' ')].map(esc).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

const KIND_ZH: Record<RegisterRow['kind'], [string, string]> = { view: ['调阅', 'viewing'], spot_check: ['抽查', 'spot check'], copy: ['复制', 'copy'], burn: ['刻录', 'disc'] };

/**
 * The register printed for the file (issue 14 item 7): one row per viewing or copy with the case's 案号 and
 * people by name, under the article of the agency's rule that asks for it (`basis`, null when none is chosen).
 */
export function registerHtml(rows: RegisterRow[], o: { agencyName: string; timeZone: string; from?: string | undefined; to?: string | undefined; basis: { zh: string; en: string } | null; printedAt: string }): string {
  const body = `
<h1>${bi('音像记录调阅、复制登记簿', 'Register of viewing and copying of recordings')}</h1>
<p class="meta">${escapeHtml(o.agencyName)} · ${escapeHtml(o.from ? localTimeText(o.from, o.timeZone) : '…')} — ${escapeHtml(o.to ? localTimeText(o.to, o.timeZone) : '…')}${o.basis ? ` · ${bi(o.basis.zh, o.basis.en)}` : ''}</p>
${dataTable(
  [
    ['时间', 'Time'],
    ['类别', 'Kind'],
    ['案号', 'Case number'],
    ['调阅人', 'Viewer'],
    ['复制人', 'Copier'],
    ['审批人', 'Approvers'],
    ['事由', 'Purpose'],
    ['申请编号', 'Request'],
    ['音像记录', 'Recordings'],
  ],
  rows.map((r) => [localTimeText(r.time, o.timeZone), KIND_ZH[r.kind].join(' '), r.caseNumber ?? '—', r.viewerName ?? '', r.copierName ?? '', r.approverNames.join('，'), r.purpose, r.requestId ?? '', r.recordings.join(' ')]),
)}
<table class="signatures"><tr><td>${bi('登记人签字', 'Kept by')}</td><td>${bi('审核人签字', 'Checked by')}</td><td>${bi('日期', 'Date')}</td></tr></table>
<p class="meta">${bi('依审计日志生成', 'Generated from the ledger')} · ${escapeHtml(localTimeText(o.printedAt, o.timeZone))}</p>
`;
  return htmlPage('音像记录调阅、复制登记簿', body);
}
