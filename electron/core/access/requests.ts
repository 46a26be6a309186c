import type { Clock } from '../clock.ts';
import { StationError, type SerializedError } from '../errors.ts';
import type { ReadableDB, WritableDB } from '../db/database.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Users, User } from './users.ts';
import { isDestroyed } from '../cases/tombstones.ts';
import { CLASSIFICATIONS, REQUEST_KINDS, type Classification, type RequestKind } from '../../shared/requests.ts';

export { CLASSIFICATIONS, REQUEST_KINDS, type Classification, type RequestKind };
export type RequestState = 'requested' | 'approved' | 'denied' | 'fulfilled' | 'expired' | 'withdrawn';

/** What the access rules need to know about a recording; the ingest catalogue provides it. */
export type RecordingRef = {
  id: string;
  objectId: string;
  sha256: string;
  size: number;
  originalName: string;
  /** Ledger entry that recorded the ingest, proven on every copy. */
  ingestSeq: number;
  recordedAt: string | null;
  officer: string | null;
  recorder: string | null;
  caseId: string | null;
};

export interface RecordingCatalogue {
  get(id: string): RecordingRef | null;
}

export type AccessRequest = {
  id: string;
  kind: RequestKind;
  purpose: string;
  requester: string;
  caseId: string | null;
  state: RequestState;
  requiredApprovals: number;
  createdAt: string;
  approvedAt: string | null;
  expiresAt: string | null;
  closedAt: string | null;
  denyReason: string | null;
  items: string[];
  decisions: { approver: string; decision: 'approved' | 'denied'; reason: string; at: string; ledgerSeq: number }[];
};

type RequestRow = {
  id: string;
  kind: RequestKind;
  purpose: string;
  requester: string;
  case_id: string | null;
  state: RequestState;
  required_approvals: number;
  created_at: string;
  approved_at: string | null;
  expires_at: string | null;
  closed_at: string | null;
  deny_reason: string | null;
};

/** What the approver was shown of a request when they chose it: the decisions taken on it by then. */
export type SeenRequest = { decisions: number };
export type BatchDecision = { id: string; decision: 'approved' | 'denied'; reason: string; seen?: SeenRequest };
export type BatchOutcome =
  | { id: string; decision: 'approved' | 'denied'; ok: true; request: AccessRequest }
  | { id: string; decision: 'approved' | 'denied'; ok: false; error: SerializedError };
export type ApproverInbox = {
  total: number;
  byKind: Record<RequestKind, number>;
  /** Classified requests another approver has already approved: one more decision completes them. */
  secondApproval: number;
  /** Requests that need two approvers (002 第二十五条). */
  classified: number;
  oldestAt: string | null;
  requests: AccessRequest[];
};

export type RequestDeps = {
  db: WritableDB;
  ledger: Ledger;
  clock: Clock;
  users: Users;
  catalogue: RecordingCatalogue;
  write: <T>(fn: () => T) => T;
  approvalDays: () => number;
};

/**
 * Requests and approvals: viewing and copying only with the head's approval, registered
 * (000 第三十七条, 002 第二十四条, 004 第二十条). The approver re-enters their password for each
 * decision, nobody approves their own request, approvals expire, a copy approval is used once,
 * and classified recordings (002 第二十五条) need two different approvers.
 */
export class Requests {
  private readonly d: RequestDeps;
  constructor(deps: RequestDeps) {
    this.d = deps;
  }

  private now(): string {
    return this.d.clock.now().toISOString();
  }

  classificationOf(recordingId: string): Classification | null {
    const row = this.d.db.prepare('SELECT classification FROM recording_classifications WHERE recording_id = ?').get(recordingId) as
      | { classification: Classification }
      | undefined;
    return row?.classification ?? null;
  }

  classify(actor: string, recordingId: string, classification: Classification | null, note: string): void {
    this.recording(recordingId);
    this.d.write(() => {
      const before = this.classificationOf(recordingId);
      if (classification === null) this.d.db.prepare('DELETE FROM recording_classifications WHERE recording_id = ?').run(recordingId);
      else {
        this.d.db
          .prepare(
            `INSERT INTO recording_classifications (recording_id, classification, set_by, set_at, note) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT(recording_id) DO UPDATE SET classification = excluded.classification, set_by = excluded.set_by, set_at = excluded.set_at, note = excluded.note`,
          )
          .run(recordingId, classification, actor, this.now(), note);
      }
      this.d.ledger.append({ actor, action: 'recording.classified', subject: `recording:${recordingId}`, details: { from: before, to: classification, note } });
    });
  }

  recording(id: string): RecordingRef {
    const r = this.d.catalogue.get(id);
    if (!r) throw new StationError('input', 'recording.not_found', { recordingId: id });
    // A destroyed recording keeps its catalogue row as a tombstone; it can never be viewed or copied again.
    if (isDestroyed(this.d.db, id)) {
      throw new StationError('state', 'recording.destroyed', { recordingId: id });
    }
    return r;
  }

  create(actor: User, input: { kind: RequestKind; recordingIds: string[]; purpose: string; caseId?: string | null }): AccessRequest {
    const ids = [...new Set(input.recordingIds)];
    if (ids.length === 0) throw new StationError('input', 'request.no_items', {});
    const purpose = input.purpose.trim();
    if (purpose.length < 2) throw new StationError('input', 'request.purpose_required', {});
    const recordings = ids.map((id) => this.recording(id));
    const classified = recordings.filter((r) => this.classificationOf(r.id) !== null).map((r) => r.id);
    return this.d.write(() => {
      const number = ((this.d.db.prepare('SELECT MAX(number) AS n FROM requests').get() as { n: number | null }).n ?? 0) + 1;
      const id = `RQ-${String(number).padStart(6, '0')}`;
      const required = classified.length > 0 ? 2 : 1;
      const entry = this.d.ledger.append({
        actor: actor.username,
        action: 'request.created',
        subject: `request:${id}`,
        details: { kind: input.kind, recordings: ids, purpose, caseId: input.caseId ?? null, requiredApprovals: required, classified },
      });
      this.d.db
        .prepare(
          `INSERT INTO requests (id, number, kind, purpose, requester, case_id, state, required_approvals, created_at, created_seq)
           VALUES (?, ?, ?, ?, ?, ?, 'requested', ?, ?, ?)`,
        )
        .run(id, number, input.kind, purpose, actor.username, input.caseId ?? null, required, entry.time, entry.seq);
      const item = this.d.db.prepare('INSERT INTO request_items (request_id, recording_id) VALUES (?, ?)');
      for (const r of ids) item.run(id, r);
      return this.get(id);
    });
  }

  get(id: string): AccessRequest {
    const row = this.d.db.prepare('SELECT * FROM requests WHERE id = ?').get(id) as RequestRow | undefined;
    if (!row) throw new StationError('input', 'request.not_found', { requestId: id });
    return this.toRequest(row);
  }

  private toRequest(row: RequestRow): AccessRequest {
    const items = (this.d.db.prepare('SELECT recording_id FROM request_items WHERE request_id = ? ORDER BY rowid').all(row.id) as { recording_id: string }[]).map(
      (r) => r.recording_id,
    );
    const decisions = (
      this.d.db.prepare('SELECT approver, decision, reason, at, ledger_seq FROM request_decisions WHERE request_id = ? ORDER BY at').all(row.id) as {
        approver: string;
        decision: 'approved' | 'denied';
        reason: string;
        at: string;
        ledger_seq: number;
      }[]
    ).map((d) => ({ approver: d.approver, decision: d.decision, reason: d.reason, at: d.at, ledgerSeq: d.ledger_seq }));
    return {
      id: row.id,
      kind: row.kind,
      purpose: row.purpose,
      requester: row.requester,
      caseId: row.case_id,
      state: row.state,
      requiredApprovals: row.required_approvals,
      createdAt: row.created_at,
      approvedAt: row.approved_at,
      expiresAt: row.expires_at,
      closedAt: row.closed_at,
      denyReason: row.deny_reason,
      items,
      decisions,
    };
  }

  list(filter: { state?: RequestState; requester?: string; awaitingApprover?: string; limit?: number } = {}): AccessRequest[] {
    this.expireDue();
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.state) {
      where.push('state = ?');
      args.push(filter.state);
    }
    if (filter.requester) {
      where.push('requester = ?');
      args.push(filter.requester);
    }
    if (filter.awaitingApprover) {
      where.push("state = 'requested' AND requester != ? AND NOT EXISTS (SELECT 1 FROM request_decisions d WHERE d.request_id = requests.id AND d.approver = ?)");
      args.push(filter.awaitingApprover, filter.awaitingApprover);
    }
    const sql = `SELECT * FROM requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY number DESC LIMIT ?`;
    return (this.d.db.prepare(sql).all(...args, filter.limit ?? 500) as RequestRow[]).map((r) => this.toRequest(r));
  }

  /** Lazily moves approvals past their expiry to `expired`, ledgering each (actor: system). */
  expireDue(): void {
    const now = this.now();
    const due = this.d.db.prepare("SELECT id FROM requests WHERE state = 'approved' AND expires_at IS NOT NULL AND expires_at <= ?").all(now) as { id: string }[];
    if (due.length === 0) return;
    this.d.write(() => {
      for (const { id } of due) {
        this.d.db.prepare("UPDATE requests SET state = 'expired', closed_at = ? WHERE id = ? AND state = 'approved'").run(now, id);
        this.d.ledger.append({ actor: 'system', action: 'request.expired', subject: `request:${id}` });
      }
    });
  }

  /** Refusals of an approver's decision are ledgered too: an auditor wants to see attempts. */
  private refuse(actor: string, id: string, code: string, params: Record<string, string | number> = {}): never {
    this.d.write(() => this.d.ledger.append({ actor, action: 'request.refused', subject: `request:${id}`, details: { code, ...params } }));
    throw new StationError('denied', code, { requestId: id, ...params });
  }

  async decide(approverName: string, id: string, decision: 'approved' | 'denied', password: string, reason: string): Promise<AccessRequest> {
    // Re-entering the password for every decision (README.md, Architecture): a walked-away session cannot approve.
    const approver = await this.d.users.authenticate(approverName, password, 'confirm');
    return this.decideAs(approver, id, decision, reason);
  }

  /**
   * Several decisions on one password entry (issue 14 item 16). The password is checked once, but
   * each request is re-read and re-checked on its own and gets its own decision row and ledger
   * entry, exactly as `decide` would; one that is no longer pending, already decided by this
   * approver, the approver's own, or changed since the approver saw it (`seen`) is refused and
   * ledgered alone while the others go through.
   */
  async decideMany(approverName: string, password: string, items: BatchDecision[]): Promise<BatchOutcome[]> {
    // What is wrong with the batch itself is refused before the password is even checked, and decides nothing.
    if (items.length === 0) throw new StationError('input', 'request.no_items', {});
    const twice = items.find((item, i) => items.findIndex((o) => o.id === item.id) !== i);
    if (twice) throw new StationError('input', 'request.batch_duplicate', { requestId: twice.id });
    const reasonless = items.find((item) => item.decision === 'denied' && item.reason.trim().length < 2);
    if (reasonless) throw new StationError('input', 'request.reason_required', { requestId: reasonless.id });
    const approver = await this.d.users.authenticate(approverName, password, 'confirm');
    const outcomes: BatchOutcome[] = [];
    for (const item of items) {
      try {
        const request = this.decideAs(approver, item.id, item.decision, item.reason, item.seen);
        outcomes.push({ id: item.id, decision: item.decision, ok: true, request });
      } catch (e) {
        if (!(e instanceof StationError)) throw e;
        outcomes.push({ id: item.id, decision: item.decision, ok: false, error: e.toJSON() });
      }
    }
    return outcomes;
  }

  /** An approver's inbox: what waits for them, counted the ways they triage it. */
  inbox(approver: string): ApproverInbox {
    const waiting = this.list({ awaitingApprover: approver, limit: 10_000 });
    const byKind = Object.fromEntries(REQUEST_KINDS.map((k) => [k, waiting.filter((r) => r.kind === k).length])) as Record<RequestKind, number>;
    return {
      total: waiting.length,
      byKind,
      secondApproval: waiting.filter((r) => r.decisions.some((d) => d.decision === 'approved')).length,
      classified: waiting.filter((r) => r.requiredApprovals > 1).length,
      oldestAt: waiting.reduce<string | null>((oldest, r) => (oldest === null || r.createdAt < oldest ? r.createdAt : oldest), null),
      requests: waiting,
    };
  }

  private decideAs(approver: User, id: string, decision: 'approved' | 'denied', reason: string, seen?: SeenRequest): AccessRequest {
    this.expireDue();
    const req = this.get(id);
    if (!approver.roles.includes('approver')) this.refuse(approver.username, id, 'auth.forbidden', { channel: 'request.decide' });
    if (req.requester.toLowerCase() === approver.username.toLowerCase()) this.refuse(approver.username, id, 'request.own_request');
    if (req.state !== 'requested') this.refuse(approver.username, id, 'request.not_pending', { state: req.state });
    if (req.decisions.some((d) => d.approver.toLowerCase() === approver.username.toLowerCase())) this.refuse(approver.username, id, 'request.already_decided');
    // Another approver decided in between: what this approver saw is no longer what they would sign.
    if (seen && seen.decisions !== req.decisions.length) this.refuse(approver.username, id, 'request.changed_since_seen', { seen: seen.decisions, now: req.decisions.length });
    if (decision === 'denied' && reason.trim().length < 2) throw new StationError('input', 'request.reason_required', { requestId: id });
    return this.d.write(() => {
      const at = this.now();
      const approvalsSoFar = req.decisions.filter((d) => d.decision === 'approved').length;
      const complete = decision === 'approved' && approvalsSoFar + 1 >= req.requiredApprovals;
      const expiresAt = complete ? new Date(this.d.clock.now().getTime() + this.d.approvalDays() * 86_400_000).toISOString() : null;
      const entry = this.d.ledger.append({
        actor: approver.username,
        action: decision === 'approved' ? 'request.approved' : 'request.denied',
        subject: `request:${id}`,
        details: {
          kind: req.kind,
          requester: req.requester,
          purpose: req.purpose,
          recordings: req.items,
          reason: reason.trim(),
          approval: approvalsSoFar + (decision === 'approved' ? 1 : 0),
          requiredApprovals: req.requiredApprovals,
          complete,
          expiresAt,
        },
      });
      this.d.db
        .prepare('INSERT INTO request_decisions (request_id, approver, decision, reason, at, ledger_seq) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, approver.username, decision, reason.trim(), at, entry.seq);
      if (decision === 'denied') {
        this.d.db.prepare("UPDATE requests SET state = 'denied', closed_at = ?, deny_reason = ? WHERE id = ?").run(at, reason.trim(), id);
      } else if (complete) {
        this.d.db.prepare("UPDATE requests SET state = 'approved', approved_at = ?, expires_at = ? WHERE id = ?").run(at, expiresAt, id);
      }
      return this.get(id);
    });
  }

  withdraw(actor: User, id: string): AccessRequest {
    const req = this.get(id);
    if (req.requester.toLowerCase() !== actor.username.toLowerCase()) throw new StationError('denied', 'request.not_yours', { requestId: id });
    if (req.state !== 'requested' && req.state !== 'approved') throw new StationError('state', 'request.not_open', { requestId: id, state: req.state });
    return this.d.write(() => {
      this.d.db.prepare("UPDATE requests SET state = 'withdrawn', closed_at = ? WHERE id = ?").run(this.now(), id);
      this.d.ledger.append({ actor: actor.username, action: 'request.withdrawn', subject: `request:${id}` });
      return this.get(id);
    });
  }

  /**
   * The approval that lets `actor` do `kind` with these recordings, or a refusal that is
   * ledgered. View approvals serve until they expire; copy and burn approvals are used once.
   */
  requireApproval(actor: User, id: string, kind: RequestKind, recordingIds?: string[]): AccessRequest {
    this.expireDue();
    const req = this.get(id);
    const mayUse = req.requester.toLowerCase() === actor.username.toLowerCase() || (kind !== 'view' && actor.roles.includes('custodian'));
    if (!mayUse) this.refuse(actor.username, id, 'request.not_yours');
    if (req.kind !== kind) this.refuse(actor.username, id, 'request.wrong_kind', { kind: req.kind });
    if (req.state === 'expired') this.refuse(actor.username, id, 'request.expired');
    if (req.state === 'fulfilled') this.refuse(actor.username, id, 'request.already_used');
    if (req.state !== 'approved') this.refuse(actor.username, id, 'request.not_approved', { state: req.state });
    for (const r of recordingIds ?? []) if (!req.items.includes(r)) this.refuse(actor.username, id, 'request.item_not_covered', { recordingId: r });
    return req;
  }

  /**
   * Consumes a copy or burn approval inside the caller's transaction, the one that records the
   * copy: the approval must still be approved, of this kind and unexpired at this moment. Of two
   * exports racing for one approval only one gets here first; the other's transaction rolls back.
   */
  consumeApproval(actor: string, id: string, kind: RequestKind, details: Record<string, unknown>): void {
    const now = this.now();
    const changed = this.d.db
      .prepare("UPDATE requests SET state = 'fulfilled', closed_at = ? WHERE id = ? AND kind = ? AND state = 'approved' AND (expires_at IS NULL OR expires_at > ?)")
      .run(now, id, kind, now);
    if (changed.changes !== 1) {
      const row = this.d.db.prepare('SELECT state, expires_at FROM requests WHERE id = ?').get(id) as { state: RequestState; expires_at: string | null } | undefined;
      if (!row) throw new StationError('input', 'request.not_found', { requestId: id });
      if (row.state === 'fulfilled') throw new StationError('denied', 'request.already_used', { requestId: id });
      if (row.state === 'expired' || (row.state === 'approved' && row.expires_at !== null && row.expires_at <= now)) throw new StationError('denied', 'request.expired', { requestId: id });
      throw new StationError('denied', 'request.not_approved', { requestId: id, state: row.state });
    }
    this.d.ledger.append({ actor, action: 'request.fulfilled', subject: `request:${id}`, details });
  }

  /** Marks a copy/burn approval used, in the caller's transaction, after the copy was verified. */
  markFulfilled(actor: string, id: string, details: Record<string, unknown>): void {
    const changed = this.d.db.prepare("UPDATE requests SET state = 'fulfilled', closed_at = ? WHERE id = ? AND state = 'approved'").run(this.now(), id);
    if (changed.changes !== 1) throw new StationError('state', 'request.already_used', { requestId: id });
    this.d.ledger.append({ actor, action: 'request.fulfilled', subject: `request:${id}`, details });
  }
}

/** Ids of the requests made for a case or naming any of these recordings, newest first. */
export function requestIdsForCase(db: Pick<ReadableDB, 'prepare'>, caseId: string, recordingIds: string[]): string[] {
  return (
    db
      .prepare(
        `SELECT id FROM requests q WHERE q.case_id = ? OR EXISTS (
           SELECT 1 FROM request_items i WHERE i.request_id = q.id AND i.recording_id IN (SELECT value FROM json_each(?)))
         ORDER BY number DESC`,
      )
      .all(caseId, JSON.stringify(recordingIds)) as { id: string }[]
  ).map((r) => r.id);
}

/** Requests this user made that were approved or denied at or after `since` (ISO), oldest number first. */
export function requestsDecidedSince(db: ReadableDB, username: string, since: string): { id: string; state: 'approved' | 'denied'; at: string }[] {
  return db
    .prepare(
      `SELECT id, state, coalesce(approved_at, closed_at) AS at FROM requests
       WHERE lower(requester) = lower(?) AND state IN ('approved', 'denied') AND coalesce(approved_at, closed_at) >= ? ORDER BY number`,
    )
    .all(username, since) as { id: string; state: 'approved' | 'denied'; at: string }[];
}

/** Joins the request `requestIdColumn` names, under `alias`, for counts that stay one statement. */
export const requestJoin = (alias: string, requestIdColumn: string): string => `JOIN requests ${alias} ON ${alias}.id = ${requestIdColumn}`;
