// The printable papers that go with a disc: the written note of 002_79771f0fef6d4575.txt 第二十三条
// (复制后附卷归档，并制作文字说明材料，注明取证人员、取证时间、取证地点), which is also written onto
// the disc as NOTE.html, and the disc label with its cover sheet for the case file
// (004_5e30f22f36db076d.txt 第十八条). Bilingual like the README: the api itself speaks no language.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatLocal, utcToLocal } from '../media/localTime.ts';
import { qrSvg } from './qr.ts';
import { officerName } from '../papers/names.ts';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * {{key}} is escaped, {{{key}}} is inserted as is (rows and SVG this file built itself). One pass
 * over the template only: an inserted value is never scanned again, so `{{key}}` inside a file
 * name or a place the user typed is printed as typed (the note is evidence, 002 第二十三条).
 */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\{(\w+)\}\}\}|\{\{(\w+)\}\}/g, (_, raw: string | undefined, escaped: string | undefined) =>
    raw !== undefined ? (values[raw] ?? '') : escapeHtml(values[escaped!] ?? '—'),
  );
}

function template(resourcesDir: string, name: string): string {
  return readFileSync(join(resourcesDir, 'templates', name), 'utf8');
}

export function localTime(iso: string | null, timeZone: string): string {
  if (!iso) return '—';
  return formatLocal(utcToLocal(new Date(iso), timeZone)).replace('T', ' ');
}

export type NoteRecording = {
  name: string;
  originalName: string;
  officerBadge: string | null;
  officerName: string | null;
  recordedAt: string | null;
  recordedEndAt: string | null;
  recorder: string | null;
  size: number;
  sha256: string;
  /** The note written when the recording was linked to the case (where, when, by whom it was taken). */
  linkNote: string | null;
};

export type NoteInput = {
  agencyName: string;
  agencyCode: string;
  /** The case's 案号. */
  caseNumber: string | null;
  requestId: string;
  purpose: string;
  /** People by real name, login in brackets (papers/names.ts). */
  requester: string;
  approvers: { name: string; at: string }[];
  /** 《title》第N条 of the agency's rule that asks for this note; null when its rule has none. */
  citation: string | null;
  /** The label the user typed for the disc, printed as typed (the volume id may differ). */
  label: string | null;
  operator: string;
  createdAt: string;
  timeZone: string;
  place: string | null;
  remarks: string | null;
  disc: number;
  discs: number;
  volumeId: string;
  setId: string;
  recordings: NoteRecording[];
};

const officerOf = (r: NoteRecording) => officerName(r.officerName, r.officerBadge);

/**
 * 取证地点: what the operator typed for this burn, else what the evidence says — the notes written
 * when the recordings were linked to the case (002_79771f0fef6d4575.txt 第二十三条 asks for the place
 * the evidence was taken, not where the disc was burned).
 */
export function collectionPlace(typed: string | null, recordings: Pick<NoteRecording, 'linkNote'>[]): string | null {
  if (typed?.trim()) return typed.trim();
  const notes = [...new Set(recordings.map((r) => r.linkNote?.trim()).filter((n): n is string => !!n))];
  return notes.length ? notes.join('；') : null;
}

/** NOTE.html: who recorded, when and where, the case, the approvers and the operator. */
export function renderNote(resourcesDir: string, n: NoteInput): string {
  const tz = n.timeZone;
  const officers = [...new Set(n.recordings.map(officerOf).filter((o) => o !== '—'))];
  const starts = n.recordings.map((r) => r.recordedAt).filter((t): t is string => t !== null).sort();
  const ends = n.recordings.map((r) => r.recordedEndAt ?? r.recordedAt).filter((t): t is string => t !== null).sort();
  const span = starts.length ? `${localTime(starts[0]!, tz)} — ${localTime(ends.at(-1)!, tz)}` : '—';
  const rows = n.recordings
    .map(
      (r, i) =>
        `<tr><td>${i + 1}</td><td>${escapeHtml(r.name)}<br><span class="en">${escapeHtml(r.originalName)}</span></td><td>${escapeHtml(officerOf(r))}</td>` +
        `<td>${escapeHtml(localTime(r.recordedAt, tz))}${r.recordedEndAt ? `<br>— ${escapeHtml(localTime(r.recordedEndAt, tz))}` : ''}</td>` +
        `<td>${escapeHtml(r.recorder ?? '—')}</td><td>${escapeHtml(r.linkNote ?? '—')}</td><td>${r.size}</td><td class="hash">${r.sha256}</td></tr>`,
    )
    .join('\n  ');
  const place = collectionPlace(n.place, n.recordings);
  return renderTemplate(template(resourcesDir, 'disc-note.html'), {
    basis: n.citation ? `依据${n.citation}` : '',
    label: n.label ?? n.volumeId,
    agencyName: n.agencyName,
    agencyCode: n.agencyCode,
    caseNumber: n.caseNumber ?? '—',
    requestId: n.requestId,
    purpose: n.purpose,
    requester: n.requester,
    approvers: n.approvers.map((a) => `${a.name}（${localTime(a.at, tz)}）`).join('，') || '—',
    officers: officers.join('，') || '—',
    recordedSpan: span,
    // Where the station cannot know the place, the paper leaves a line to write it by hand.
    place: place ? escapeHtml(place) : '<span class="blank"></span>',
    operator: n.operator,
    createdLocal: localTime(n.createdAt, tz),
    disc: String(n.disc),
    discs: String(n.discs),
    volumeId: n.volumeId,
    setId: n.setId,
    remarks: n.remarks ?? '—',
    rows,
  });
}

export type LabelInput = {
  agencyName: string;
  agencyCode: string;
  /** The case's 案号. */
  caseNumber: string | null;
  /** The label the user typed, printed as typed; the volume id is what the disc format could hold. */
  label: string | null;
  /** 《title》第N条 under which the disc goes into the case file; null when the agency's rule has none. */
  citation: string | null;
  requestId: string;
  purpose: string;
  approvers: string[];
  operator: string;
  createdAt: string;
  timeZone: string;
  disc: number;
  discs: number;
  copy: number;
  copies: number;
  volumeId: string;
  mediaId: string | null;
  manifestSha256: string;
  verifierKey: string;
  verification: string;
  files: { path: string; size: number; sha256: string }[];
};

/** What the label's QR code says: the manifest's hash, which names every file's hash in turn. */
export function labelQrText(manifestSha256: string): string {
  return `sha256:${manifestSha256}`;
}

/** Disc label (page 1) and cover sheet for the case file (page 2). */
export function renderLabel(resourcesDir: string, l: LabelInput): string {
  const qrText = labelQrText(l.manifestSha256);
  const rows = l.files.map((f) => `<tr><td>${escapeHtml(f.path)}</td><td>${f.size}</td><td class="hash">${f.sha256}</td></tr>`).join('\n    ');
  return renderTemplate(template(resourcesDir, 'disc-label.html'), {
    label: l.label ?? l.volumeId,
    basis: l.citation ? `依据${l.citation}` : '',
    agencyName: l.agencyName,
    agencyCode: l.agencyCode,
    caseNumber: l.caseNumber ?? '—',
    requestId: l.requestId,
    purpose: l.purpose,
    approvers: l.approvers.join('，') || '—',
    operator: l.operator,
    dateLocal: localTime(l.createdAt, l.timeZone).slice(0, 10),
    createdLocal: localTime(l.createdAt, l.timeZone),
    disc: String(l.disc),
    discs: String(l.discs),
    copy: String(l.copy),
    copies: String(l.copies),
    volumeId: l.volumeId,
    mediaId: l.mediaId ?? '—',
    manifestSha256: l.manifestSha256,
    manifestShort: `${l.manifestSha256.slice(0, 16)}…`,
    verifierKey: l.verifierKey,
    verification: l.verification,
    fileCount: String(l.files.length),
    qrSmall: qrSvg(qrText, 24),
    qrLarge: qrSvg(qrText, 40),
    rows,
  });
}
