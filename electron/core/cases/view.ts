// The case as the UI and the printed summary show it: the case, its evidence with each recording's
// catalogue facts and retention, the link history, the requests and discs made for it.
import { ruleBasis, type RuleSource } from '../rules/agencyRule.ts';
import { BURN_JOB_STATE_ZH, DECISION_ZH, personName, REQUEST_STATE_EN, REQUEST_STATE_ZH } from '../papers/names.ts';
import type { ReadableDB } from '../db/database.ts';
import type { AccessRequest } from '../access/requests.ts';
import type { Recording } from '../recordings/catalogue.ts';
import type { Recordings } from '../recordings/recordings.ts';
import type { CaseDisc, CaseService } from './cases.ts';
import type { RetentionService, RetentionStatus } from './retention.ts';
import type { Case, CaseLink } from './types.ts';
import { ENFORCEMENT_TYPE_EN, ENFORCEMENT_TYPE_ZH } from './types.ts';
import { bi, dataTable, escapeHtml, fieldTable, htmlPage, localDateText, localTimeText } from './printable.ts';

export type CaseEvidence = { link: CaseLink; recording: Recording; retention: RetentionStatus };

export type CaseView = {
  case: Case;
  evidence: CaseEvidence[];
  /** Links since removed, with who removed them and why. */
  unlinked: CaseLink[];
  requests: AccessRequest[];
  discs: CaseDisc[];
  holds: ReturnType<RetentionService['holds']>;
};

export type CaseViewDeps = {
  /** Read only: the names of people on the printed summary. */
  db: ReadableDB;
  cases: Pick<CaseService, 'get' | 'links' | 'requests' | 'discs'>;
  retention: Pick<RetentionService, 'statusOf' | 'holds'>;
  /** The ingest feature's catalogue: each piece of evidence's catalogue facts. */
  catalogue: () => Pick<Recordings, 'require'>;
  timeZone: () => string;
  agencyName: () => string;
  now: () => Date;
  /** The agency's own rule, cited on the printed summary. */
  rule: RuleSource;
};

/** The case as the UI shows it and the printed summary prints it. */
export class CaseViews {
  private readonly deps: CaseViewDeps;
  constructor(deps: CaseViewDeps) {
    this.deps = deps;
  }

  view(caseId: string): CaseView {
    const { cases, retention } = this.deps;
    const c = cases.get(caseId);
    const all = cases.links(c.id, { includeUnlinked: true });
    const active = all.filter((l) => !l.unlinkedAt);
    const catalogue = this.deps.catalogue();
    const statuses = new Map(retention.statusOf(active.map((l) => l.recordingId)).map((s) => [s.recordingId, s]));
    return {
      case: c,
      // In the order the footage was recorded, as a case file reads.
      evidence: active
        .map((link) => ({ link, recording: catalogue.require(link.recordingId), retention: statuses.get(link.recordingId)! }))
        .sort((a, b) => (a.recording.recordedAt ?? '').localeCompare(b.recording.recordedAt ?? '') || a.recording.number - b.recording.number),
      unlinked: all.filter((l) => l.unlinkedAt),
      requests: cases.requests(c.id),
      discs: cases.discs(c.id),
      holds: retention.holds({ target: c.id }),
    };
  }

  /** 案件音像证据摘要: printable, bilingual (see printable.ts). */
  summaryHtml(view: CaseView): string {
    return caseSummaryHtml(this.deps, view);
  }
}

const STATE_LABEL: Record<Case['state'], [string, string]> = { open: ['办理中', 'open'], closed: ['已终结，待归档', 'concluded, to archive'], archived: ['已归档', 'archived'] };
const REQUEST_KIND: Record<string, string> = { view: '调阅 view', copy: '复制 copy', burn: '刻录 burn', extend: '延长保存 extend' };

function periodText(p: Case['fileRetention']): string {
  return 'permanent' in p ? '永久 permanent' : `${p.years} 年 years`;
}

function caseSummaryHtml(deps: CaseViewDeps, view: CaseView): string {
  const tz = deps.timeZone();
  const c = view.case;
  const agency = deps.agencyName();
  const noteBasis = ruleBasis(deps.rule, ['evidenceNote']);
  const officers = c.officers.map((o) => `${o.name ?? ''}（${o.badge}）${o.role === 'lead' ? ' 主办 lead' : ' 协办 assist'}`).join('；') || '—';
  const archive = c.archive
    ? c.archive.deadline
      ? `${localDateText(c.archive.deadline, tz)}${c.archive.overdue ? ' 已逾期 overdue' : ''}`
      : `— (${c.archive.problem?.code ?? ''} ${JSON.stringify(c.archive.problem?.params ?? {})})`
    : '—';
  const evidenceRows = view.evidence.map((e) => [
    e.recording.id,
    e.recording.originalName,
    localTimeText(e.recording.recordedAt, tz),
    `${e.recording.officerName ?? ''} ${e.recording.officerBadge ?? '—'}`.trim(),
    e.recording.recorderSerial ?? '—',
    e.link.note,
    `${personName(deps.db, e.link.linkedBy)} ${localTimeText(e.link.linkedAt, tz)}`,
    e.recording.sha256,
  ]);
  const who = (username: string | null) => (username ? personName(deps.db, username) : '');
  const unlinkedRows = view.unlinked.map((l) => [l.recordingId, `${who(l.linkedBy)} ${localTimeText(l.linkedAt, tz)}`, `${who(l.unlinkedBy)} ${localTimeText(l.unlinkedAt, tz)}`, l.unlinkReason ?? '']);
  const requestRows = view.requests.map((r) => [
    r.id,
    REQUEST_KIND[r.kind] ?? r.kind,
    `${REQUEST_STATE_ZH[r.state] ?? r.state} ${REQUEST_STATE_EN[r.state] ?? ''}`.trim(),
    who(r.requester),
    r.decisions.map((d) => `${who(d.approver)} ${DECISION_ZH[d.decision] ?? d.decision}`).join('；'),
    r.purpose,
  ]);
  const discRows = view.discs.map((d) => [d.jobId, d.requestId, `${d.media} × ${d.discCount} × ${d.copies}`, d.volumeLabel ?? '', BURN_JOB_STATE_ZH[d.state] ?? d.state, String(d.verifiedMedia), `${who(d.operator)} ${localTimeText(d.endedAt ?? d.createdAt, tz)}`]);
  const body = `
<h1>${bi('案件音像记录证据摘要', 'Case file: audio-visual evidence summary')}</h1>
<p class="meta">${escapeHtml(agency)} · ${escapeHtml(c.caseNumber)} · ${escapeHtml(c.id)}</p>
${fieldTable([
  ['案号', 'Case number', c.caseNumber],
  ['案由', 'Title', c.title],
  ['执法类别', 'Enforcement type', `${ENFORCEMENT_TYPE_ZH[c.enforcementType]} ${ENFORCEMENT_TYPE_EN[c.enforcementType]}`],
  ['当事人', 'Party', `${c.party.name}（${c.party.kind === 'person' ? '自然人 person' : '单位 organisation'}）${c.party.idNumber ? ` ${c.party.idNumber}` : ''}`],
  ['执法人员', 'Officers', officers],
  ['立案时间', 'Opened', localTimeText(c.openedAt, tz)],
  ['执法终结', 'Concluded', localTimeText(c.closedAt, tz)],
  ['归档期限', 'Archive deadline', archive],
  ['归档时间', 'Archived', localTimeText(c.archivedAt, tz)],
  ['状态', 'State', STATE_LABEL[c.state].join(' ')],
  ['案卷保管期限', 'Case file kept', periodText(c.fileRetention)],
  ['说明', 'Description', c.description || '—'],
])}
<h2>${bi('作为证据使用的音像记录', 'Recordings used as evidence')}</h2>
${dataTable(
  [
    ['编号', 'Recording'],
    ['原文件名', 'Original name'],
    ['记录时间', 'Recorded'],
    ['执法人员', 'Officer'],
    ['记录设备', 'Recorder'],
    ['文字说明', 'Written note'],
    ['关联人 / 时间', 'Linked by / at'],
    ['SHA-256', 'SHA-256'],
  ],
  evidenceRows,
  { monoColumns: [7] },
)}
${noteBasis ? `<p class="meta">${bi(`${noteBasis.zh}：注明取证人员、取证时间、取证地点等信息`, `${noteBasis.en}: who took the evidence, when and where`)}</p>` : ''}
${unlinkedRows.length ? `<h2>${bi('已解除关联', 'Unlinked')}</h2>${dataTable([['编号', 'Recording'], ['关联', 'Linked'], ['解除', 'Unlinked'], ['理由', 'Reason']], unlinkedRows)}` : ''}
<h2>${bi('调阅、复制与刻录申请', 'Requests')}</h2>
${requestRows.length ? dataTable([['申请', 'Request'], ['类别', 'Kind'], ['状态', 'State'], ['申请人', 'Requester'], ['审批', 'Decisions'], ['事由', 'Purpose']], requestRows) : '<p>—</p>'}
<h2>${bi('光盘', 'Discs')}</h2>
${discRows.length ? dataTable([['刻录任务', 'Burn job'], ['申请', 'Request'], ['介质', 'Media'], ['卷标', 'Label'], ['状态', 'State'], ['已校验', 'Verified'], ['操作人', 'Operator']], discRows) : '<p>—</p>'}
<p class="meta">${bi('打印时间', 'Printed')} ${escapeHtml(localTimeText(deps.now().toISOString(), tz))}</p>
`;
  return htmlPage(`${c.caseNumber} ${c.title}`, body);
}
