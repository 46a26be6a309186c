import type { ReadableDB } from '../db/database.ts';
import { rowToEntry, type LedgerRow } from '../ledger/ledger.ts';
import { ledgerFilter } from '../ledger/query.ts';

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
};

export const REGISTER_ACTIONS = ['view.started', 'view.spot_check', 'export.written', 'disc.burned'] as const;

export function registerRows(db: ReadableDB, q: { from?: string; to?: string; actor?: string } = {}): RegisterRow[] {
  const { clause, args } = ledgerFilter({ ...q, actions: REGISTER_ACTIONS });
  const rows = db.prepare(`SELECT * FROM ledger ${clause} ORDER BY seq`).all(...args) as LedgerRow[];
  return rows.map((row) => {
    const e = rowToEntry(row);
    const d = e.details as { requestId?: string | null; purpose?: string; approvers?: string[]; recordings?: string[] };
    const subjectRecording = e.subject.startsWith('recording:') ? [e.subject.slice('recording:'.length)] : [];
    const kind = e.action === 'view.started' ? 'view' : e.action === 'view.spot_check' ? 'spot_check' : e.action === 'export.written' ? 'copy' : 'burn';
    const viewing = kind === 'view' || kind === 'spot_check';
    return {
      seq: e.seq,
      time: e.time,
      kind,
      viewer: viewing ? e.actor : null,
      // A disc recorded on recovery after a crash is the system's entry on behalf of the job's operator.
      copier: viewing ? null : e.actor === 'system' && typeof (e.details as { operator?: unknown }).operator === 'string' ? (e.details as { operator: string }).operator : e.actor,
      approvers: d.approvers ?? [],
      purpose: d.purpose ?? '',
      requestId: d.requestId ?? null,
      recordings: d.recordings ?? subjectRecording,
    };
  });
}

/** CSV (RFC 4180, UTF-8 with BOM so Excel on a Chinese Windows opens it correctly). */
export function registerCsv(rows: RegisterRow[], headers: string[], kindLabel: (kind: RegisterRow['kind']) => string): string {
  const esc = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [headers.map(esc).join(',')];
  for (const r of rows) {
    lines.push([String(r.seq), r.time, kindLabel(r.kind), r.viewer ?? '', r.copier ?? '', r.approvers.join(' '), r.purpose, r.requestId ?? '', r.recordings.join(' ')].map(esc).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
