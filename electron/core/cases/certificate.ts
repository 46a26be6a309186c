// The destruction certificate (销毁证明): what was destroyed, on whose proposal and whose decision,
// under which retention rule, and whether each vault object was crypto-shredded. Its canonical JSON
// is signed with the station key as a C2SP signed note over its SHA-256 — the same construction as
// the evidence package's manifest signature (evidencePackage/manifestSignature.ts), so the key
// printed at setup and on every disc verifies it anywhere, without the station.
import type { KeyObject } from 'node:crypto';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../ledger/canonicalJson.ts';
import { openNote, signNote } from '../ledger/checkpoint.ts';
import type { RuleCitation } from '../calendar/presets.ts';
import type { AgencyCitation } from '../rules/agencyRule.ts';
import { bi, dataTable, escapeHtml, fieldTable, htmlPage, localDateText, localTimeText } from './printable.ts';

export const CERTIFICATE_FORMAT = 'evidence-station/destruction-certificate/v1';

export type CertificateItem = {
  recordingId: string;
  originalName: string;
  sha256: string;
  size: number;
  kind: string;
  recordedAt: string | null;
  storedAt: string;
  officer: string | null;
  recorder: string | null;
  /** The officer by name with the 警号 in brackets, as printed. */
  officerName?: string;
  retentionUntil: string;
  /** The rule that set the date: 'default' | 'category' | 'case' | 'extension', with its reference. */
  rule: { kind: string; ref: string | null; /** The case's 案号 when the case set the date. */ caseNumber?: string | null };
  objectId: string;
  /** False when a surviving recording of the same content still uses the object (see sharedWith). */
  objectShredded: boolean;
  sharedWith: string[];
  /** Ledger entry of the tombstone. */
  ledgerSeq: number;
};

export type DestructionCertificate = {
  format: typeof CERTIFICATE_FORMAT;
  batchId: string;
  agency: { code: string; name: string };
  station: string;
  timeZone: string;
  reason: string;
  proposedBy: string;
  proposedAt: string;
  approvedBy: string;
  approvedAt: string;
  approvalNote: string;
  executedBy: string;
  executedAt: string;
  items: CertificateItem[];
  /** The signed ledger checkpoint that covers every tombstone entry above. */
  ledger: { size: number; root: string };
  /** The agency's rule (AgencyCitation); certificates issued before issue 14 carry file-named RuleCitations. */
  citations: (RuleCitation | AgencyCitation)[];
  /** The agency's rule the certificate is issued under. */
  rule?: { title: string; issuer?: string; docNumber?: string; date?: string } | null;
  /** Proposer, approver and executor by real name with the login in brackets, as printed. */
  names?: { proposedBy: string; approvedBy: string; executedBy: string };
};

/** How a certificate cites a rule: the agency's rule by title and article; an older one's file by the shipped rule's title. */
function citationText(c: RuleCitation | AgencyCitation, legacyTitles: Record<string, string>): string {
  if ('text' in c) return c.text;
  const title = legacyTitles[c.file];
  return title ? `《${title}》${c.article}` : c.article;
}

export function certificateBytes(cert: DestructionCertificate): Buffer {
  return Buffer.from(canonicalJson(cert), 'utf8');
}

export function certificateSha256(cert: DestructionCertificate): string {
  return createHash('sha256').update(certificateBytes(cert)).digest('hex');
}

function noteText(batchId: string, sha256: string): string {
  return `evidence-station destruction-certificate\n${batchId}\n${sha256}\n`;
}

export function signCertificate(cert: DestructionCertificate, key: KeyObject, keyName: string): { sha256: string; note: string } {
  const sha256 = certificateSha256(cert);
  return { sha256, note: signNote(noteText(cert.batchId, sha256), key, keyName) };
}

/** True only if the note is signed by the key and names exactly this certificate's bytes. */
export function certificateSignatureValid(canonical: string, note: string, publicKey: Buffer, keyName: string): boolean {
  try {
    const cert = JSON.parse(canonical) as DestructionCertificate;
    if (canonicalJson(cert) !== canonical) return false;
    const sha = createHash('sha256').update(canonical, 'utf8').digest('hex');
    return openNote(note, publicKey, keyName) === noteText(cert.batchId, sha);
  } catch {
    return false;
  }
}

const RULE_LABEL: Record<string, [string, string]> = {
  default: ['默认保存期限', 'default period'],
  category: ['保存类别', 'category'],
  case: ['随案卷保存', 'kept with case file'],
  extension: ['经批准延长', 'approved extension'],
};

export function certificateHtml(cert: DestructionCertificate, signature: { note: string; sha256: string; verifierKey: string }, legacyTitles: Record<string, string> = {}): string {
  const tz = cert.timeZone;
  const names = cert.names ?? { proposedBy: cert.proposedBy, approvedBy: cert.approvedBy, executedBy: cert.executedBy };
  const rows = cert.items.map((i) => [
    i.recordingId,
    i.originalName,
    localTimeText(i.recordedAt, tz),
    i.officerName ?? i.officer ?? '—',
    i.recorder ?? '—',
    `${localDateText(i.retentionUntil, tz)} ${(RULE_LABEL[i.rule.kind] ?? [i.rule.kind, ''])[0]}${i.rule.caseNumber ? ` ${i.rule.caseNumber}` : i.rule.ref ? ` ${i.rule.ref}` : ''}`,
    i.objectShredded ? '已粉碎 shredded' : `保留（与 ${i.sharedWith.join('、')} 共用）kept, shared`,
    i.sha256,
  ]);
  const body = `
<h1>${bi('执法音像记录资料销毁证明', 'Certificate of destruction of enforcement recordings')}</h1>
<p class="meta">${escapeHtml(cert.agency.name)} · ${escapeHtml(cert.batchId)}</p>
${fieldTable([
  ['销毁批次', 'Batch', cert.batchId],
  ['销毁事由', 'Reason', cert.reason],
  ['提出人', 'Proposed by', `${names.proposedBy}  ${localTimeText(cert.proposedAt, tz)}`],
  ['批准人', 'Approved by', `${names.approvedBy}  ${localTimeText(cert.approvedAt, tz)}${cert.approvalNote ? `  ${cert.approvalNote}` : ''}`],
  ['执行人', 'Executed by', `${names.executedBy}  ${localTimeText(cert.executedAt, tz)}`],
  ['数量', 'Items', String(cert.items.length)],
  ...(cert.rule ? [['依据规定', 'Rule', [`《${cert.rule.title}》`, cert.rule.docNumber, cert.rule.issuer, cert.rule.date].filter(Boolean).join(' ')] as [string, string, string]] : []),
  ['销毁方式', 'Method', '密钥销毁（加密对象的密钥被删除）并删除文件；目录记录作为销毁记录保留 / crypto-shredding (the object key is erased) and deletion of the file; the catalogue row is kept as a tombstone'],
])}
<h2>${bi('销毁清单', 'Items destroyed')}</h2>
${dataTable(
  [
    ['编号', 'Recording'],
    ['原文件名', 'Original name'],
    ['记录时间', 'Recorded'],
    ['执法人员', 'Officer'],
    ['记录设备', 'Recorder'],
    ['保存至 / 依据', 'Kept until / rule'],
    ['存储对象', 'Vault object'],
    ['SHA-256', 'SHA-256'],
  ],
  rows,
  { monoColumns: [7] },
)}
<h2>${bi('依据', 'Rules')}</h2>
<ul>${cert.citations.length ? cert.citations.map((c) => `<li>${escapeHtml(citationText(c, legacyTitles))}${c.quote ? `：${escapeHtml(c.quote)}` : ''}</li>`).join('') : `<li>${bi('本机关规定尚未选定', "The agency's rule was not chosen")}</li>`}</ul>
<h2>${bi('签名与核验', 'Signature and verification')}</h2>
${fieldTable([
  ['证明 SHA-256', 'Certificate SHA-256', signature.sha256, { mono: true }],
  ['审计日志检查点', 'Ledger checkpoint', `size ${cert.ledger.size} · root ${cert.ledger.root}`, { mono: true }],
  ['验证公钥', 'Verifier key', signature.verifierKey, { mono: true }],
])}
<pre class="note">${escapeHtml(signature.note)}</pre>
<table class="signatures"><tr><td>${bi('提出人签字', 'Proposer')}</td><td>${bi('批准人签字', 'Approver')}</td><td>${bi('执行人签字', 'Executor')}</td><td>${bi('监督人签字', 'Witness')}</td></tr>
<tr><td></td><td></td><td></td><td></td></tr></table>
`;
  return htmlPage(`销毁证明 ${cert.batchId}`, body);
}
