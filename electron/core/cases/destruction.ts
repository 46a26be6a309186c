// 集中销毁 (004 第十九条 "到期后按规定集中销毁"): a custodian proposes a batch of recordings past
// their retention date, an approver (not the proposer, password re-entered) decides, a custodian
// executes. Executing writes each recording's tombstone, crypto-shreds each vault object no
// surviving recording uses (the wrapped key is erased, the file deleted) and issues a signed
// certificate. Nothing inside its retention period, nothing in an open or unarchived case and
// nothing on hold is ever destroyed (001 第二十条): checked at propose, at approve AND at execute,
// since a hold or a new link can arrive between any two of them.
import { StationError } from '../errors.ts';
import type { KeyObject } from 'node:crypto';
import type { ReadableDB, WritableDB } from '../db/database.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { User, Users } from '../access/users.ts';
import { vaultObjectJoin, type Vault } from '../vault/vault.ts';
import { normalizeRecordingId } from '../recordings/catalogue.ts';
import { recordingFacts, recordingRef, recordingsOfObject } from '../recordings/recordings.ts';
import { loadRuleCatalogue, stationCitations, stationRule, type RuleSource } from '../rules/agencyRule.ts';
import { caseNumberOf, officerByBadge, personName } from '../papers/names.ts';
import type { RetentionService, RetentionStatus } from './retention.ts';
import { certificateHtml, certificateSignatureValid, signCertificate, type CertificateItem, type DestructionCertificate, CERTIFICATE_FORMAT } from './certificate.ts';
import { verifierKey } from '../ledger/checkpoint.ts';
import { canonicalJson } from '../ledger/canonicalJson.ts';

export type BatchState = 'proposed' | 'approved' | 'denied' | 'cancelled' | 'executing' | 'executed';

export type BatchItem = {
  recordingId: string;
  originalName: string;
  recordedAt: string | null;
  officer: string | null;
  recorder: string | null;
  objectId: string;
  retentionUntil: string;
  rule: RetentionStatus['decidedBy']['basis'];
  destroyedAt: string | null;
};

export type DestructionBatch = {
  id: string;
  state: BatchState;
  reason: string;
  proposedBy: string;
  proposedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  executedBy: string | null;
  startedAt: string | null;
  executedAt: string | null;
  cancelledBy: string | null;
  cancelledAt: string | null;
  certificateSha256: string | null;
  items: BatchItem[];
};

type BatchRow = {
  id: string;
  number: number;
  state: BatchState;
  reason: string;
  proposed_by: string;
  proposed_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  executed_by: string | null;
  started_at: string | null;
  executed_at: string | null;
  cancelled_by: string | null;
  cancelled_at: string | null;
  certificate: string | null;
  certificate_sha256: string | null;
  certificate_note: string | null;
};

type Stage = 'propose' | 'approve' | 'execute';

export type DestructionDeps = {
  db: WritableDB;
  ledger: Pick<Ledger, 'append' | 'checkpoint'>;
  now: () => Date;
  write: <T>(fn: () => T) => T;
  /** Consulted at propose, approve and execute. */
  retention: Pick<RetentionService, 'statusOf' | 'due'>;
  users: Pick<Users, 'authenticate'>;
  vault: Pick<Vault, 'get' | 'shred'>;
  /** The station's signing key for the certificate; throws while the station is locked. */
  signingKey: () => KeyObject;
  publicKey: () => Buffer;
  /** The station's origin, the certificate's key name. */
  origin: () => string;
  agency: () => { code: string; name: string };
  timeZone: () => string;
  /** The agency's own rule, cited on the certificate. */
  rule: RuleSource;
};

export class DestructionService {
  private readonly deps: DestructionDeps;
  private readonly retention: DestructionDeps['retention'];
  constructor(deps: DestructionDeps) {
    this.deps = deps;
    this.retention = deps.retention;
  }

  private get db() {
    return this.deps.db;
  }

  private now(): Date {
    return this.deps.now();
  }

  private row(id: string): BatchRow {
    const row = this.db.prepare('SELECT * FROM destruction_batches WHERE id = ?').get(id.trim().toUpperCase()) as BatchRow | undefined;
    if (!row) throw new StationError('input', 'destruction.not_found', { batchId: id });
    return row;
  }

  get(id: string): DestructionBatch {
    const r = this.row(id);
    const rows = this.db
      .prepare(
        `SELECT i.recording_id, i.retention_until, i.decided_by_rule, d.destroyed_at
         FROM destruction_items i LEFT JOIN destroyed_recordings d ON d.recording_id = i.recording_id WHERE i.batch_id = ?`,
      )
      .all(r.id) as { recording_id: string; retention_until: string; decided_by_rule: string; destroyed_at: string | null }[];
    const byId = new Map(rows.map((i) => [i.recording_id, i]));
    // In catalogue order, with the catalogue's facts of each recording.
    const items = recordingFacts(this.db, [...byId.keys()]).map((f) => {
      const i = byId.get(f.id)!;
      return {
        recordingId: i.recording_id,
        originalName: f.originalName,
        recordedAt: f.recordedAt,
        officer: f.officerBadge,
        recorder: f.recorderSerial,
        objectId: f.objectId,
        retentionUntil: i.retention_until,
        rule: JSON.parse(i.decided_by_rule) as BatchItem['rule'],
        destroyedAt: i.destroyed_at,
      };
    });
    return {
      id: r.id,
      state: r.state,
      reason: r.reason,
      proposedBy: r.proposed_by,
      proposedAt: r.proposed_at,
      decidedBy: r.decided_by,
      decidedAt: r.decided_at,
      decisionNote: r.decision_note,
      executedBy: r.executed_by,
      startedAt: r.started_at,
      executedAt: r.executed_at,
      cancelledBy: r.cancelled_by,
      cancelledAt: r.cancelled_at,
      certificateSha256: r.certificate_sha256,
      items,
    };
  }

  list(filter: { state?: BatchState; limit?: number } = {}): DestructionBatch[] {
    const rows = (
      filter.state
        ? this.db.prepare('SELECT id FROM destruction_batches WHERE state = ? ORDER BY number DESC LIMIT ?').all(filter.state, filter.limit ?? 200)
        : this.db.prepare('SELECT id FROM destruction_batches ORDER BY number DESC LIMIT ?').all(filter.limit ?? 200)
    ) as { id: string }[];
    return rows.map((r) => this.get(r.id));
  }

  /** Throws for the first recording that may not be destroyed now; `batchId` is the batch being checked. */
  private check(ids: string[], stage: Stage, batchId: string | null): RetentionStatus[] {
    const statuses = this.retention.statusOf(ids);
    const found = new Set(statuses.map((s) => s.recordingId));
    for (const id of ids) if (!found.has(id)) throw new StationError('input', 'recording.not_found', { recordingId: id });
    const now = this.now().getTime();
    for (const s of statuses) {
      if (s.destroyed) throw new StationError('state', 'recording.destroyed', { recordingId: s.recordingId });
      const p = s.protections[0];
      if (p) throw new StationError('state', 'destruction.protected', { recordingId: s.recordingId, protection: p.kind, ref: p.ref, stage });
      if (s.permanent) throw new StationError('state', 'destruction.permanent', { recordingId: s.recordingId, stage });
      if (s.until === null || new Date(s.until).getTime() >= now) throw new StationError('state', 'destruction.not_due', { recordingId: s.recordingId, until: s.until ?? '', stage });
      if (s.pendingBatch && s.pendingBatch !== batchId) throw new StationError('state', 'destruction.already_proposed', { recordingId: s.recordingId, batchId: s.pendingBatch });
    }
    return statuses;
  }

  /** A refusal at approve or execute is ledgered: an auditor wants to see attempts, not only successes. */
  private checkOrRefuse(actor: string, batch: BatchRow, ids: string[], stage: Stage): RetentionStatus[] {
    try {
      return this.check(ids, stage, batch.id);
    } catch (e) {
      if (e instanceof StationError) {
        this.deps.write(() => this.deps.ledger.append({ actor, action: 'destruction.refused', subject: `destruction:${batch.id}`, details: { stage, code: e.code, ...e.params } }));
      }
      throw e;
    }
  }

  propose(actor: string, input: { recordingIds?: string[]; allDue?: boolean; reason: string }): DestructionBatch {
    const reason = input.reason.trim();
    if (reason.length < 2) throw new StationError('input', 'destruction.reason_required', {});
    const ids = input.allDue ? this.retention.due().map((s) => s.recordingId) : [...new Set((input.recordingIds ?? []).map((r) => normalizeRecordingId(r)))];
    if (ids.length === 0) throw new StationError('input', 'destruction.nothing_due', {});
    const statuses = this.check(ids, 'propose', null);
    return this.deps.write(() => {
      const number = ((this.db.prepare('SELECT MAX(number) AS n FROM destruction_batches').get() as { n: number | null }).n ?? 0) + 1;
      const id = `DB-${String(number).padStart(6, '0')}`;
      const at = this.now().toISOString();
      this.db.prepare("INSERT INTO destruction_batches (id, number, state, reason, proposed_by, proposed_at) VALUES (?, ?, 'proposed', ?, ?, ?)").run(id, number, reason, actor, at);
      const put = this.db.prepare('INSERT INTO destruction_items (batch_id, recording_id, retention_until, decided_by_rule) VALUES (?, ?, ?, ?)');
      for (const s of statuses) put.run(id, s.recordingId, s.until!, canonicalJson(s.decidedBy.basis));
      this.deps.ledger.append({
        actor,
        action: 'destruction.proposed',
        subject: `destruction:${id}`,
        details: { reason, items: statuses.map((s) => ({ recordingId: s.recordingId, until: s.until, rule: s.decidedBy.basis.kind })) },
      });
      return this.get(id);
    });
  }

  /** The approver re-enters their password for the decision; the proposer never decides their own batch. */
  async decide(approverName: string, batchId: string, decision: 'approved' | 'denied', password: string, note: string): Promise<DestructionBatch> {
    const approver = await this.deps.users.authenticate(approverName, password, 'confirm');
    const batch = this.row(batchId);
    const refuse = (code: string, params: Record<string, string> = {}): never => {
      this.deps.write(() => this.deps.ledger.append({ actor: approver.username, action: 'destruction.refused', subject: `destruction:${batch.id}`, details: { stage: 'approve', code, ...params } }));
      throw new StationError('denied', code, { batchId: batch.id, ...params });
    };
    if (!approver.roles.includes('approver')) refuse('auth.forbidden', { channel: 'destroy.approve' });
    if (batch.proposed_by.toLowerCase() === approver.username.toLowerCase()) refuse('destruction.own_proposal');
    if (batch.state !== 'proposed') throw new StationError('state', 'destruction.not_proposed', { batchId: batch.id, state: batch.state });
    const why = note.trim();
    if (decision === 'denied' && why.length < 2) throw new StationError('input', 'destruction.reason_required', {});
    if (decision === 'approved') this.checkOrRefuse(approver.username, batch, this.itemIds(batch.id), 'approve');
    return this.deps.write(() => {
      const at = this.now().toISOString();
      this.db.prepare('UPDATE destruction_batches SET state = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ?').run(decision, approver.username, at, why, batch.id);
      this.deps.ledger.append({ actor: approver.username, action: decision === 'approved' ? 'destruction.approved' : 'destruction.denied', subject: `destruction:${batch.id}`, details: { note: why, items: this.itemIds(batch.id) } });
      return this.get(batch.id);
    });
  }

  cancel(actor: User, batchId: string, reason: string): DestructionBatch {
    const batch = this.row(batchId);
    if (batch.state !== 'proposed' && batch.state !== 'approved') throw new StationError('state', 'destruction.not_cancellable', { batchId: batch.id, state: batch.state });
    const why = reason.trim();
    if (why.length < 2) throw new StationError('input', 'destruction.reason_required', {});
    return this.deps.write(() => {
      this.db.prepare("UPDATE destruction_batches SET state = 'cancelled', cancelled_by = ?, cancelled_at = ? WHERE id = ?").run(actor.username, this.now().toISOString(), batch.id);
      this.deps.ledger.append({ actor: actor.username, action: 'destruction.cancelled', subject: `destruction:${batch.id}`, details: { reason: why } });
      return this.get(batch.id);
    });
  }

  private itemIds(batchId: string): string[] {
    return (this.db.prepare('SELECT recording_id FROM destruction_items WHERE batch_id = ? ORDER BY recording_id').all(batchId) as { recording_id: string }[]).map((r) => r.recording_id);
  }

  /**
   * Carries out an approved batch. Resumable: a batch left 'executing' by a crash is finished by
   * running this again — tombstones come first (a recording never looks alive once its object may
   * be gone), then shredding, each step idempotent.
   */
  async execute(actor: string, batchId: string, onProgress?: (p: { phase: 'tombstones' | 'shredding' | 'certificate'; done: number; total: number }) => void): Promise<DestructionBatch> {
    const signingKey = this.deps.signingKey();
    const batch = this.row(batchId);
    if (batch.state !== 'approved' && batch.state !== 'executing') throw new StationError('state', 'destruction.not_approved', { batchId: batch.id, state: batch.state });
    const all = this.itemIds(batch.id);
    const tombstoned = new Set((this.db.prepare('SELECT recording_id FROM destroyed_recordings WHERE batch_id = ?').all(batch.id) as { recording_id: string }[]).map((r) => r.recording_id));
    const remaining = all.filter((id) => !tombstoned.has(id));
    if (remaining.length > 0) this.checkOrRefuse(actor, batch, remaining, 'execute');

    if (batch.state === 'approved') {
      this.deps.write(() => {
        this.db.prepare("UPDATE destruction_batches SET state = 'executing', executed_by = ?, started_at = ? WHERE id = ?").run(actor, this.now().toISOString(), batch.id);
        this.deps.ledger.append({ actor, action: 'destruction.started', subject: `destruction:${batch.id}`, details: { items: all } });
      });
    }
    let done = 0;
    for (const id of remaining) {
      onProgress?.({ phase: 'tombstones', done: done++, total: remaining.length });
      this.deps.write(() => {
        const rec = recordingRef(this.db, id)!;
        const entry = this.deps.ledger.append({ actor, action: 'recording.destroyed', subject: `recording:${id}`, details: { batchId: batch.id, objectId: rec.objectId, sha256: rec.sha256, size: rec.size, originalName: rec.originalName } });
        this.db.prepare('INSERT INTO destroyed_recordings (recording_id, batch_id, object_id, destroyed_at, destroyed_by, ledger_seq) VALUES (?, ?, ?, ?, ?, ?)').run(id, batch.id, rec.objectId, entry.time, actor, entry.seq);
      });
    }
    const objects = [...new Set(all.map((id) => recordingRef(this.db, id)!.objectId))];
    done = 0;
    for (const objectId of objects) {
      onProgress?.({ phase: 'shredding', done: done++, total: objects.length });
      if (this.survivorsOf(objectId).length > 0) continue;
      if (this.deps.vault.get(objectId).shredded) continue;
      const recordings = (this.db.prepare('SELECT recording_id FROM destroyed_recordings WHERE object_id = ? ORDER BY recording_id').all(objectId) as { recording_id: string }[]).map((r) => r.recording_id);
      await this.deps.vault.shred(actor, objectId, { batchId: batch.id, recordings });
    }

    onProgress?.({ phase: 'certificate', done: 0, total: 1 });
    const certificate = this.buildCertificate(batch.id, actor);
    this.deps.write(() => {
      const cp = this.deps.ledger.checkpoint();
      const cert: DestructionCertificate = { ...certificate, ledger: { size: cp.size, root: cp.root } };
      const signed = signCertificate(cert, signingKey, this.deps.origin());
      this.db
        .prepare("UPDATE destruction_batches SET state = 'executed', executed_at = ?, certificate = ?, certificate_sha256 = ?, certificate_note = ? WHERE id = ?")
        .run(cert.executedAt, canonicalJson(cert), signed.sha256, signed.note, batch.id);
      this.deps.ledger.append({
        actor,
        action: 'destruction.executed',
        subject: `destruction:${batch.id}`,
        details: { items: all, objectsShredded: cert.items.filter((i) => i.objectShredded).map((i) => i.objectId), certificateSha256: signed.sha256, checkpointSize: cp.size },
      });
    });
    return this.get(batch.id);
  }

  /** Recordings not destroyed that still use the object (a duplicate kept under another rule). */
  private survivorsOf(objectId: string): string[] {
    const destroyed = this.db.prepare('SELECT 1 FROM destroyed_recordings WHERE recording_id = ?');
    return recordingsOfObject(this.db, objectId).filter((id) => destroyed.get(id) === undefined);
  }

  private buildCertificate(batchId: string, executor: string): DestructionCertificate {
    const b = this.row(batchId);
    const rows = this.db
      .prepare(
        `SELECT i.recording_id, i.retention_until, i.decided_by_rule, d.ledger_seq, v.wrapped_key IS NULL AS shredded
         FROM destruction_items i JOIN destroyed_recordings d ON d.recording_id = i.recording_id
         ${vaultObjectJoin('v', 'd.object_id')} WHERE i.batch_id = ?`,
      )
      .all(batchId) as { recording_id: string; retention_until: string; decided_by_rule: string; ledger_seq: number; shredded: number }[];
    const byId = new Map(rows.map((i) => [i.recording_id, i]));
    // In catalogue order, with the catalogue's facts of each recording.
    const items: CertificateItem[] = recordingFacts(this.db, [...byId.keys()]).map((f) => {
      const r = byId.get(f.id)!;
      const basis = JSON.parse(r.decided_by_rule) as { kind: string; category?: string; caseId?: string; requestId?: string };
      return {
        recordingId: r.recording_id,
        originalName: f.originalName,
        sha256: f.sha256,
        size: f.size,
        kind: f.kind,
        recordedAt: f.recordedAt,
        storedAt: f.storedAt,
        officer: f.officerBadge,
        officerName: officerByBadge(this.db, f.officerBadge),
        recorder: f.recorderSerial,
        retentionUntil: r.retention_until,
        rule: { kind: basis.kind, ref: basis.category ?? basis.caseId ?? basis.requestId ?? null, caseNumber: basis.kind === 'case' ? caseNumberOf(this.db, basis.caseId) : null },
        objectId: f.objectId,
        objectShredded: r.shredded === 1,
        sharedWith: this.survivorsOf(f.objectId),
        ledgerSeq: r.ledger_seq,
      };
    });
    // The agency's own rule, by title and article (issue 14 item 1): never a file name, never another agency's rule.
    const citations = stationCitations(this.deps.rule, ['retention', 'caseEvidenceRetention', 'longTermKeeping', 'destruction', 'noEditing']);
    const rule = stationRule(this.deps.rule);
    const executedBy = b.executed_by ?? executor;
    return {
      format: CERTIFICATE_FORMAT,
      batchId: b.id,
      agency: this.deps.agency(),
      station: this.deps.origin(),
      timeZone: this.deps.timeZone(),
      reason: b.reason,
      proposedBy: b.proposed_by,
      proposedAt: b.proposed_at,
      approvedBy: b.decided_by ?? '',
      approvedAt: b.decided_at ?? '',
      approvalNote: b.decision_note ?? '',
      executedBy: b.executed_by ?? executor,
      executedAt: this.now().toISOString(),
      items,
      ledger: { size: 0, root: '' },
      citations,
      rule: rule.chosen ? { title: rule.title, ...(rule.issuer ? { issuer: rule.issuer } : {}), ...(rule.docNumber ? { docNumber: rule.docNumber } : {}), ...(rule.date ? { date: rule.date } : {}) } : null,
      names: { proposedBy: personName(this.db, b.proposed_by), approvedBy: personName(this.db, b.decided_by), executedBy: personName(this.db, executedBy) },
    };
  }

  /** The issued certificate: its canonical JSON, the signed note, the key to check it with, printable HTML. */
  certificate(batchId: string): { certificate: DestructionCertificate; canonical: string; sha256: string; signature: string; verifierKey: string; valid: boolean; html: string } {
    const b = this.row(batchId);
    if (b.state !== 'executed' || !b.certificate || !b.certificate_note || !b.certificate_sha256) throw new StationError('state', 'destruction.no_certificate', { batchId: b.id, state: b.state });
    const pub = this.deps.publicKey();
    const origin = this.deps.origin();
    const vkey = verifierKey(origin, pub);
    const certificate = JSON.parse(b.certificate) as DestructionCertificate;
    return {
      certificate,
      canonical: b.certificate,
      sha256: b.certificate_sha256,
      signature: b.certificate_note,
      verifierKey: vkey,
      valid: certificateSignatureValid(b.certificate, b.certificate_note, pub, origin),
      html: certificateHtml(
        certificate,
        { note: b.certificate_note, sha256: b.certificate_sha256, verifierKey: vkey },
        Object.fromEntries(loadRuleCatalogue(this.deps.rule.paths.resources).map((r) => [r.file, r.title])),
      ),
    };
  }
}

/** How many destruction batches are in this state. */
export function destructionBatchCount(db: ReadableDB, state: string): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM destruction_batches WHERE state = ?').get(state) as { n: number }).n;
}
