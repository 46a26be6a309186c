// Stages one disc of a set: the evidence package (README.md, Architecture: "Discs and removable media") written
// into the private staging folder, from which every copy of that disc is burned.
import { randomUUID } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { ReadableDB } from '../db/database.ts';
import type { Clock } from '../clock.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { StationPaths } from '../paths.ts';
import type { Vault } from '../vault/vault.ts';
import type { Recording } from '../recordings/catalogue.ts';
import type { RulePurpose } from '../rules/purposes.ts';
import type { WitnessClient } from '../witness/client.ts';
import type { AccessRequest, Requests, RecordingRef } from '../access/requests.ts';
import type { User } from '../access/users.ts';
import { packageFileOf } from '../access/exporter.ts';
import { writePackage } from '../evidencePackage/writer.ts';
import { renderReadme } from '../evidencePackage/readme.ts';
import { PATHS } from '../evidencePackage/format.ts';
import { sha256Bytes } from '../evidencePackage/hashing.ts';
import { packageWitness, witnessReadmeLines } from '../witness/packageProofs.ts';
import { renderNote, type NoteRecording } from './printables.ts';
import { caseNumberOf, linkNoteOf, personName, REQUEST_KIND_EN, REQUEST_KIND_ZH } from '../papers/names.ts';
import type { BurnDisc, BurnJob, JobStore } from './jobStore.ts';
import { onMediumBytes } from './profiles.ts';

export const NOTE_PATH = 'NOTE.html';
export const VERIFY_HTML_PATH = 'verify.html';

export type StagedDisc = {
  dir: string;
  manifestSha256: string;
  files: { path: string; sha256: string; size: number; recordingId: string }[];
  /** Everything on the medium, for progress. */
  totalBytes: number;
  /** What the package occupies on an ISO 9660 medium, file by file in whole sectors. */
  onMediumBytes: number;
};

async function treeSizes(dir: string): Promise<{ bytes: number; onMedium: number }> {
  let bytes = 0;
  let onMedium = 0;
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const size = (await stat(join(e.parentPath, e.name))).size;
    bytes += size;
    onMedium += onMediumBytes(size);
  }
  return { bytes, onMedium };
}

/** What staging a disc reads of the station; each member the narrowest the package needs. */
export type StageDeps = {
  db: ReadableDB;
  ledger: Pick<Ledger, 'proofBundle'>;
  clock: Clock;
  write: <T>(fn: () => T) => T;
  paths: Pick<StationPaths, 'resources'>;
  vault: Pick<Vault, 'read'>;
  requests: Pick<Requests, 'recording'>;
  /** The catalogue's fuller record (officer's name, end time) for the written note. */
  findRecording: (id: string) => Pick<Recording, 'officerBadge' | 'officerName' | 'recordedEndAt'> | null;
  agency: () => { code: string; name: string; timeZone: string };
  /** The station's signing key; throws while the station is locked. */
  requireUnlocked: () => { signingKey: KeyObject };
  origin: () => string;
  verifierKey: () => string;
  /** The article of the agency's rule for a purpose, as papers cite it. */
  cite: (purpose: RulePurpose) => string | null;
  /** For what the package carries of the witness (nothing when the station is not enrolled). */
  witness: Pick<WitnessClient, 'config' | 'lastCosigned' | 'sync' | 'entryProof'>;
};

export async function stageDisc(input: {
  deps: StageDeps;
  store: JobStore;
  job: BurnJob;
  disc: BurnDisc;
  request: AccessRequest;
  operator: User;
  dir: string;
  signal: AbortSignal;
  onProgress: (p: { bytes: number; totalBytes: number; file: string }) => void;
}): Promise<StagedDisc> {
  const { deps, store, job, disc, request: req } = input;
  const keys = deps.requireUnlocked();
  const recordings: RecordingRef[] = disc.recordings.map((id) => deps.requests.recording(id));
  const approvals = req.decisions.filter((d) => d.decision === 'approved');
  const { timeZone, ...agency } = deps.agency();
  // A retry or a further copy carries the same package id, time and note, so its manifest is the
  // same bytes and the label's QR code names every copy of that disc alike.
  const packageId = disc.packageId ?? randomUUID();
  const createdAt = disc.createdAt ?? deps.clock.now().toISOString();
  const noteRecordings: NoteRecording[] = recordings.map((r, i) => {
    const full = deps.findRecording(r.id);
    return {
      name: disc.names[i]!,
      originalName: r.originalName,
      officerBadge: full?.officerBadge ?? r.officer,
      officerName: full?.officerName ?? null,
      recordedAt: r.recordedAt,
      recordedEndAt: full?.recordedEndAt ?? null,
      recorder: r.recorder,
      size: r.size,
      sha256: r.sha256,
      linkNote: linkNoteOf(deps.db, req.caseId, r.id),
    };
  });
  const caseNumber = caseNumberOf(deps.db, req.caseId);
  const requester = personName(deps.db, req.requester);
  const approverNames = approvals.map((a) => personName(deps.db, a.approver));
  const operator = personName(deps.db, input.operator.username);
  // What the user typed as the disc's label travels with the disc as typed; the volume id is only what ISO 9660 could hold.
  const label = job.volumeLabel?.trim() || null;
  const noteHtml =
    store.noteHtml(job.id, disc.index) ??
    renderNote(deps.paths.resources, {
      agencyName: agency.name,
      agencyCode: agency.code,
      caseNumber,
      requestId: req.id,
      purpose: req.purpose,
      requester,
      approvers: approvals.map((a, i) => ({ name: approverNames[i]!, at: a.at })),
      // The rule's article on the written note, else the one on discs attached to the case file (004 has only the latter).
      citation: deps.cite('evidenceNote') ?? deps.cite('discToCaseFile'),
      label,
      operator,
      createdAt,
      timeZone,
      place: job.place,
      remarks: job.remarks,
      disc: disc.index,
      discs: job.discCount,
      volumeId: disc.volumeId,
      setId: job.setId,
      recordings: noteRecordings,
    });
  const verifyHtml = await readFile(join(deps.paths.resources, 'templates', VERIFY_HTML_PATH));
  const bundle = deps.write(() => deps.ledger.proofBundle([...recordings.map((r) => r.ingestSeq), ...approvals.map((a) => a.ledgerSeq)], deps.verifierKey()));
  const names = new Map(disc.recordings.map((id, i) => [id, disc.names[i]!]));
  const setLine = `光盘组 ${job.setId}：本盘为第 ${disc.index} 张，共 ${job.discCount} 张（各盘所含文件见 MANIFEST.json 的 set 字段）。NOTE.html 为取证文字说明；用浏览器打开 verify.html 可离线核对全部文件。`;
  const setLineEn = `Disc ${disc.index} of ${job.discCount} of set ${job.setId} (what each disc holds: "set" in MANIFEST.json). NOTE.html is the written note; open verify.html in a browser to check every file offline.`;
  const witness = await packageWitness(
    deps.witness,
    bundle.size,
    recordings.map((r, i) => ({ recordingId: r.id, ingestSeq: r.ingestSeq, path: `${PATHS.files}/${disc.names[i]!}` })),
  );
  const { manifest } = await writePackage({
    dir: input.dir,
    manifest: {
      packageId,
      kind: 'disc',
      createdAt,
      agency,
      station: { origin: deps.origin(), verifierKey: deps.verifierKey() },
      request: {
        id: req.id,
        kind: req.kind,
        purpose: req.purpose,
        requester: req.requester,
        approvers: approvals.map((a) => a.approver),
        approvalSeqs: approvals.map((a) => a.ledgerSeq),
        operator: input.operator.username,
        caseNumber,
        caseId: req.caseId,
        requesterName: requester,
        approverNames,
        operatorName: operator,
        ...(label ? { label } : {}),
      },
      set: {
        setId: job.setId,
        index: disc.index,
        count: job.discCount,
        contents: job.discs.map((d) => ({ index: d.index, files: d.names.map((n) => `${PATHS.files}/${n}`) })),
      },
      ...(witness ? { witness: witness.manifest } : {}),
    },
    files: recordings.map((r) => packageFileOf(deps.vault, r)),
    names,
    proofBundle: bundle,
    witnessFiles: witness?.files ?? [],
    extras: [
      { path: NOTE_PATH, content: noteHtml },
      { path: VERIFY_HTML_PATH, content: verifyHtml },
    ],
    readme: renderReadme(deps.paths.resources, {
      agencyName: agency.name,
      agencyCode: agency.code,
      requestId: req.id,
      kind: REQUEST_KIND_ZH[req.kind] ?? req.kind,
      kindEn: REQUEST_KIND_EN[req.kind] ?? req.kind,
      purpose: req.purpose,
      requester,
      approvers: approverNames.join('，') || '—',
      operator,
      caseNumber: caseNumber ?? '—',
      label: label ?? '—',
      createdAt,
      verifierKey: deps.verifierKey(),
      setLine,
      setLineEn,
      ...witnessReadmeLines(witness),
    }),
    signer: { key: keys.signingKey, keyName: deps.origin() },
    onProgress: input.onProgress,
    signal: input.signal,
  });
  const manifestSha256 = sha256Bytes(await readFile(join(input.dir, PATHS.manifest)));
  deps.write(() => store.setPackage(job.id, disc.index, { packageId, createdAt, manifestSha256, noteHtml }));
  const sizes = await treeSizes(input.dir);
  return {
    dir: input.dir,
    manifestSha256,
    files: manifest.files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size, recordingId: f.recordingId })),
    totalBytes: sizes.bytes,
    onMediumBytes: sizes.onMedium,
  };
}
