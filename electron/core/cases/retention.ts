// How long each recording is kept, and why. Every rule that applies to a recording is a candidate;
// the longest wins (a recording is destroyed only when no rule keeps it any more, 001 第二十条):
//   default    the agency's period for recordings in no case: 2 years (004 第十九条) or 3 (000 第十二条)
//   category   an agency-defined category the custodian put the recording in
//   case       each case it is evidence in: as long as the case file (000 第十二条, 004 第十九条),
//              counted from the file's archiving; an open or unarchived case keeps it indefinitely
//   extension  长期保存 granted by an approved 'extend' request (004 第十九条)
//   hold       a legal hold on the recording or on a case it is in
// Periods run from the later of recording and storage: whichever reading of "the period" an
// agency takes, the station never reaches the end earlier.
import { StationError } from '../errors.ts';
import type { ReadableDB, WritableDB } from '../db/database.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { SettingsShape } from '../settings.ts';
import type { User } from '../access/users.ts';
import { requestJoin, type AccessRequest, type Requests } from '../access/requests.ts';
import { stationCitations, type AgencyCitation, type RuleSource } from '../rules/agencyRule.ts';
import { assertLocalDate, type LocalDate } from '../calendar/localDate.ts';
import { endOfLocalDay, localDateAt } from '../calendar/workingDays.ts';
import { assertPeriod, periodEnd } from './period.ts';
import type { CaseState, Period } from './types.ts';
import { recordingExists, recordingFacts } from '../recordings/recordings.ts';

// Citations are the agency's own rule (issue 14 item 1): empty until the admin picks one, never another agency's.
export type RetentionBasis =
  | { kind: 'default'; period: Period; citations: AgencyCitation[] }
  | { kind: 'category'; category: string; nameZh: string; nameEn: string; period: Period; citation: string }
  | { kind: 'case'; caseId: string; caseNumber: string; caseState: CaseState; period: Period; archivedAt: string | null; citations: AgencyCitation[] }
  | { kind: 'extension'; requestId: string; untilDate: LocalDate | null; permanent: boolean; citations: AgencyCitation[] }
  | { kind: 'hold'; holdId: string; scope: 'recording' | 'case'; target: string; reason: string };

/** Why a candidate keeps the recording without a date. */
export type Protection = 'hold' | 'case_open' | 'case_not_archived';

export type RetentionCandidate = {
  basis: RetentionBasis;
  /** Last millisecond kept (ISO); null when permanent or protected. */
  until: string | null;
  untilDate: LocalDate | null;
  permanent: boolean;
  protection: Protection | null;
};

export type RetentionStatus = {
  recordingId: string;
  objectId: string;
  /** The instant the periods run from (the later of recorded and stored). */
  from: string;
  until: string | null;
  untilDate: LocalDate | null;
  permanent: boolean;
  /** The candidate that decides: a protection first, then permanent, then the latest date. */
  decidedBy: RetentionCandidate;
  candidates: RetentionCandidate[];
  protections: { kind: Protection; ref: string }[];
  /** Past its date, unprotected, not destroyed. */
  due: boolean;
  /** A destruction batch (proposed, approved or executing) it is already in. */
  pendingBatch: string | null;
  destroyed: { at: string; batchId: string; by: string } | null;
};

export type RetentionCategory = { code: string; nameZh: string; nameEn: string; period: Period; citation: string; createdAt: string; createdBy: string; retiredAt: string | null };

export type Hold = {
  id: string;
  scope: 'recording' | 'case';
  target: string;
  reason: string;
  placedBy: string;
  placedAt: string;
  releasedBy: string | null;
  releasedAt: string | null;
  releaseReason: string | null;
};

export type ExtensionTerms = { requestId: string; recordingId: string; untilDate: LocalDate | null; permanent: boolean; state: 'requested' | 'applied'; appliedAt: string | null; appliedBy: string | null };

type RecRow = { id: string; object_id: string; recorded_at: string | null; stored_at: string };
type LinkRow = { recording_id: string; case_id: string; case_number: string; state: CaseState; file_retention: string; archived_at: string | null };
type HoldRow = { id: string; number: number; scope: 'recording' | 'case'; target: string; reason: string; placed_by: string; placed_at: string; released_by: string | null; released_at: string | null; release_reason: string | null };
type CategoryRow = { code: string; name_zh: string; name_en: string; period: string; citation: string; created_at: string; created_by: string; retired_at: string | null };

const OPEN_BATCH_STATES = "('proposed', 'approved', 'executing')";

function toHold(r: HoldRow): Hold {
  return { id: r.id, scope: r.scope, target: r.target, reason: r.reason, placedBy: r.placed_by, placedAt: r.placed_at, releasedBy: r.released_by, releasedAt: r.released_at, releaseReason: r.release_reason };
}

function toCategory(r: CategoryRow): RetentionCategory {
  return { code: r.code, nameZh: r.name_zh, nameEn: r.name_en, period: JSON.parse(r.period) as Period, citation: r.citation, createdAt: r.created_at, createdBy: r.created_by, retiredAt: r.retired_at };
}

function groupBy<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

const PROTECTION_ORDER: Protection[] = ['hold', 'case_open', 'case_not_archived'];

export type RetentionDeps = {
  db: WritableDB;
  ledger: Pick<Ledger, 'append'>;
  now: () => Date;
  write: <T>(fn: () => T) => T;
  requests: Pick<Requests, 'create' | 'requireApproval' | 'markFulfilled' | 'get'>;
  timeZone: () => string;
  /** The agency's period for recordings in no case. */
  defaultPeriod: () => SettingsShape['retention.default'];
  /** The agency's own rule, cited on each basis. */
  rule: RuleSource;
};

export class RetentionService {
  private readonly deps: RetentionDeps;
  constructor(deps: RetentionDeps) {
    this.deps = deps;
  }

  private get db() {
    return this.deps.db;
  }

  private now(): Date {
    return this.deps.now();
  }

  private timeZone(): string {
    return this.deps.timeZone();
  }

  // ---------------------------------------------------------------------------------------------
  // Computing

  /**
   * Retention of the given recordings (all when `ids` is omitted), computed in one pass over the
   * tables: a due list over tens of thousands of recordings is a handful of queries, not one each.
   */
  statusOf(ids?: string[]): RetentionStatus[] {
    const args = ids ? [JSON.stringify(ids)] : [];
    const recs: RecRow[] = recordingFacts(this.db, ids).map((r) => ({ id: r.id, object_id: r.objectId, recorded_at: r.recordedAt, stored_at: r.storedAt }));
    const links = groupBy(
      this.db
        .prepare(
          `SELECT l.recording_id, c.id AS case_id, c.case_number, c.state, c.file_retention, c.archived_at
           FROM case_links l JOIN cases c ON c.id = l.case_id WHERE l.unlinked_at IS NULL ${ids ? 'AND l.recording_id IN (SELECT value FROM json_each(?))' : ''} ORDER BY l.id`,
        )
        .all(...args) as LinkRow[],
      (r) => r.recording_id,
    );
    const categories = new Map(
      (
        this.db
          .prepare('SELECT rr.recording_id, c.* FROM recording_retention rr JOIN retention_categories c ON c.code = rr.category')
          .all() as (CategoryRow & { recording_id: string })[]
      ).map((r) => [r.recording_id, r]),
    );
    const extensions = groupBy(
      this.db.prepare(`SELECT * FROM retention_extensions WHERE state = 'applied' ${ids ? 'AND recording_id IN (SELECT value FROM json_each(?))' : ''}`).all(...args) as { request_id: string; recording_id: string; until_date: string | null; permanent: number }[],
      (r) => r.recording_id,
    );
    const holds = groupBy(this.db.prepare('SELECT * FROM retention_holds WHERE released_at IS NULL ORDER BY number').all() as HoldRow[], (r) => `${r.scope}:${r.target}`);
    const destroyed = new Map(
      (this.db.prepare('SELECT recording_id, batch_id, destroyed_at, destroyed_by FROM destroyed_recordings').all() as { recording_id: string; batch_id: string; destroyed_at: string; destroyed_by: string }[]).map(
        (r) => [r.recording_id, r],
      ),
    );
    const pending = new Map(
      (
        this.db
          .prepare(`SELECT i.recording_id, b.id FROM destruction_items i JOIN destruction_batches b ON b.id = i.batch_id WHERE b.state IN ${OPEN_BATCH_STATES}`)
          .all() as { recording_id: string; id: string }[]
      ).map((r) => [r.recording_id, r.id]),
    );
    const tz = this.timeZone();
    const defaultPeriod = this.deps.defaultPeriod();
    const now = this.now().getTime();
    const cites = {
      default: stationCitations(this.deps.rule, ['retention']),
      case: stationCitations(this.deps.rule, ['caseEvidenceRetention']),
      extension: stationCitations(this.deps.rule, ['longTermKeeping']),
    };

    return recs.map((rec) => {
      const recorded = rec.recorded_at ? new Date(rec.recorded_at).getTime() : 0;
      const from = new Date(Math.max(recorded, new Date(rec.stored_at).getTime()));
      const candidates: RetentionCandidate[] = [];
      const dated = (basis: RetentionBasis, period: Period): RetentionCandidate => {
        const end = periodEnd(from, period, tz);
        return end ? { basis, until: end.until, untilDate: end.untilDate, permanent: false, protection: null } : { basis, until: null, untilDate: null, permanent: true, protection: null };
      };
      candidates.push(dated({ kind: 'default', period: defaultPeriod, citations: cites.default }, defaultPeriod));
      const cat = categories.get(rec.id);
      if (cat) {
        const period = JSON.parse(cat.period) as Period;
        candidates.push(dated({ kind: 'category', category: cat.code, nameZh: cat.name_zh, nameEn: cat.name_en, period, citation: cat.citation }, period));
      }
      const caseLinks = links.get(rec.id) ?? [];
      for (const l of caseLinks) {
        const period = JSON.parse(l.file_retention) as Period;
        const basis: RetentionBasis = { kind: 'case', caseId: l.case_id, caseNumber: l.case_number, caseState: l.state, period, archivedAt: l.archived_at, citations: cites.case };
        if (l.state !== 'archived' || !l.archived_at) {
          candidates.push({ basis, until: null, untilDate: null, permanent: false, protection: l.state === 'open' ? 'case_open' : 'case_not_archived' });
        } else {
          // The case file's term runs from its archiving; its evidence is kept exactly as long.
          const end = periodEnd(new Date(l.archived_at), period, tz);
          candidates.push(end ? { basis, until: end.until, untilDate: end.untilDate, permanent: false, protection: null } : { basis, until: null, untilDate: null, permanent: true, protection: null });
        }
      }
      for (const x of extensions.get(rec.id) ?? []) {
        const basis: RetentionBasis = { kind: 'extension', requestId: x.request_id, untilDate: x.until_date, permanent: x.permanent === 1, citations: cites.extension };
        if (x.permanent === 1 || !x.until_date) candidates.push({ basis, until: null, untilDate: null, permanent: true, protection: null });
        else candidates.push({ basis, until: endOfLocalDay(x.until_date, tz).toISOString(), untilDate: x.until_date, permanent: false, protection: null });
      }
      const holdRows = [...(holds.get(`recording:${rec.id}`) ?? []), ...caseLinks.flatMap((l) => holds.get(`case:${l.case_id}`) ?? [])];
      for (const h of holdRows) {
        candidates.push({ basis: { kind: 'hold', holdId: h.id, scope: h.scope, target: h.target, reason: h.reason }, until: null, untilDate: null, permanent: false, protection: 'hold' });
      }

      const protections = candidates
        .filter((c) => c.protection)
        .sort((a, b) => PROTECTION_ORDER.indexOf(a.protection!) - PROTECTION_ORDER.indexOf(b.protection!))
        .map((c) => ({ kind: c.protection!, ref: c.basis.kind === 'hold' ? c.basis.holdId : c.basis.kind === 'case' ? c.basis.caseId : '' }));
      const decidedBy =
        candidates.filter((c) => c.protection).sort((a, b) => PROTECTION_ORDER.indexOf(a.protection!) - PROTECTION_ORDER.indexOf(b.protection!))[0] ??
        candidates.find((c) => c.permanent) ??
        // Ties go to the first candidate: the default, then a category, a case, an extension.
        candidates.reduce((best, c) => (c.until! > best.until! ? c : best));
      const gone = destroyed.get(rec.id);
      const until = decidedBy.protection || decidedBy.permanent ? null : decidedBy.until;
      return {
        recordingId: rec.id,
        objectId: rec.object_id,
        from: from.toISOString(),
        until,
        untilDate: until ? decidedBy.untilDate : null,
        permanent: !decidedBy.protection && decidedBy.permanent,
        decidedBy,
        candidates,
        protections,
        due: !gone && until !== null && new Date(until).getTime() < now,
        pendingBatch: pending.get(rec.id) ?? null,
        destroyed: gone ? { at: gone.destroyed_at, batchId: gone.batch_id, by: gone.destroyed_by } : null,
      };
    });
  }

  require(recordingId: string): RetentionStatus {
    const s = this.statusOf([recordingId])[0];
    if (!s) throw new StationError('input', 'recording.not_found', { recordingId });
    return s;
  }

  /** Due for a destruction decision and in no open batch yet, oldest date first. */
  due(options: { asOf?: Date; limit?: number } = {}): RetentionStatus[] {
    const at = (options.asOf ?? this.now()).getTime();
    return this.statusOf()
      .filter((s) => !s.destroyed && s.until !== null && new Date(s.until).getTime() < at && s.protections.length === 0 && !s.pendingBatch)
      .sort((a, b) => a.until!.localeCompare(b.until!))
      .slice(0, options.limit ?? 100_000);
  }

  // ---------------------------------------------------------------------------------------------
  // Categories

  categories(): RetentionCategory[] {
    return (this.db.prepare('SELECT * FROM retention_categories ORDER BY code').all() as CategoryRow[]).map(toCategory);
  }

  category(code: string): RetentionCategory {
    const row = this.db.prepare('SELECT * FROM retention_categories WHERE code = ?').get(code) as CategoryRow | undefined;
    if (!row) throw new StationError('input', 'retention.no_such_category', { code });
    return toCategory(row);
  }

  /** Adds or changes a category; a change applies to every recording in it, so it is ledgered with before and after. */
  putCategory(actor: string, input: { code: string; nameZh: string; nameEn: string; period: Period; citation?: string }): RetentionCategory {
    if (!/^[a-z0-9_-]{1,32}$/.test(input.code)) throw new StationError('input', 'retention.bad_category_code', { code: input.code });
    const period = assertPeriod(input.period);
    if (!input.nameZh.trim() || !input.nameEn.trim()) throw new StationError('input', 'retention.category_name_required', {});
    return this.deps.write(() => {
      const before = this.db.prepare('SELECT * FROM retention_categories WHERE code = ?').get(input.code) as CategoryRow | undefined;
      const at = this.now().toISOString();
      this.db
        .prepare(
          `INSERT INTO retention_categories (code, name_zh, name_en, period, citation, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, period = excluded.period, citation = excluded.citation`,
        )
        .run(input.code, input.nameZh.trim(), input.nameEn.trim(), JSON.stringify(period), input.citation?.trim() ?? '', at, actor);
      this.deps.ledger.append({
        actor,
        action: 'retention.category_set',
        subject: `retention-category:${input.code}`,
        details: { before: before ? toCategory(before) : null, nameZh: input.nameZh.trim(), nameEn: input.nameEn.trim(), period, citation: input.citation?.trim() ?? '' },
      });
      return this.category(input.code);
    });
  }

  /** Puts recordings in a category, or takes them out (null). */
  assignCategory(actor: string, recordingIds: string[], code: string | null, note: string): RetentionStatus[] {
    if (code !== null) {
      const cat = this.category(code);
      if (cat.retiredAt) throw new StationError('input', 'retention.category_retired', { code });
    }
    const ids = [...new Set(recordingIds)];
    for (const id of ids) this.assertLive(id);
    this.deps.write(() => {
      for (const id of ids) {
        const before = (this.db.prepare('SELECT category FROM recording_retention WHERE recording_id = ?').get(id) as { category: string } | undefined)?.category ?? null;
        if (before === code) continue;
        if (code === null) this.db.prepare('DELETE FROM recording_retention WHERE recording_id = ?').run(id);
        else {
          this.db
            .prepare(
              `INSERT INTO recording_retention (recording_id, category, set_by, set_at, note) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT(recording_id) DO UPDATE SET category = excluded.category, set_by = excluded.set_by, set_at = excluded.set_at, note = excluded.note`,
            )
            .run(id, code, actor, this.now().toISOString(), note);
        }
        this.deps.ledger.append({ actor, action: 'retention.category_assigned', subject: `recording:${id}`, details: { from: before, to: code, note } });
      }
    });
    return this.statusOf(ids);
  }

  // ---------------------------------------------------------------------------------------------
  // Holds

  holds(filter: { active?: boolean; target?: string } = {}): Hold[] {
    const where: string[] = [];
    const args: string[] = [];
    if (filter.active) where.push('released_at IS NULL');
    if (filter.target) {
      where.push('target = ?');
      args.push(filter.target);
    }
    return (this.db.prepare(`SELECT * FROM retention_holds ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY number DESC`).all(...args) as HoldRow[]).map(toHold);
  }

  hold(id: string): Hold {
    const row = this.db.prepare('SELECT * FROM retention_holds WHERE id = ?').get(id.trim().toUpperCase()) as HoldRow | undefined;
    if (!row) throw new StationError('input', 'retention.no_such_hold', { holdId: id });
    return toHold(row);
  }

  /** A legal hold: nothing under it is proposed, approved or executed for destruction until it is released. */
  placeHold(actor: string, input: { scope: 'recording' | 'case'; target: string; reason: string }): Hold {
    const reason = input.reason.trim();
    if (reason.length < 2) throw new StationError('input', 'retention.reason_required', {});
    if (input.scope === 'recording') this.assertLive(input.target);
    else if (!this.db.prepare('SELECT 1 FROM cases WHERE id = ?').get(input.target)) throw new StationError('input', 'case.not_found', { caseId: input.target });
    return this.deps.write(() => {
      const number = ((this.db.prepare('SELECT MAX(number) AS n FROM retention_holds').get() as { n: number | null }).n ?? 0) + 1;
      const id = `HOLD-${String(number).padStart(6, '0')}`;
      const at = this.now().toISOString();
      this.db
        .prepare('INSERT INTO retention_holds (id, number, scope, target, reason, placed_by, placed_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(id, number, input.scope, input.target, reason, actor, at);
      this.deps.ledger.append({ actor, action: 'retention.hold_placed', subject: `${input.scope}:${input.target}`, details: { holdId: id, reason } });
      return this.hold(id);
    });
  }

  releaseHold(actor: string, holdId: string, reason: string): Hold {
    const why = reason.trim();
    if (why.length < 2) throw new StationError('input', 'retention.reason_required', {});
    const h = this.hold(holdId);
    if (h.releasedAt) throw new StationError('state', 'retention.hold_released', { holdId: h.id });
    return this.deps.write(() => {
      this.db.prepare('UPDATE retention_holds SET released_by = ?, released_at = ?, release_reason = ? WHERE id = ? AND released_at IS NULL').run(actor, this.now().toISOString(), why, h.id);
      this.deps.ledger.append({ actor, action: 'retention.hold_released', subject: `${h.scope}:${h.target}`, details: { holdId: h.id, reason: why } });
      return this.hold(h.id);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Extensions (长期保存) — only through an approved 'extend' request (004 第十九条)

  extensionsOf(requestId: string): ExtensionTerms[] {
    return (
      this.db.prepare('SELECT * FROM retention_extensions WHERE request_id = ? ORDER BY recording_id').all(requestId) as {
        request_id: string;
        recording_id: string;
        until_date: string | null;
        permanent: number;
        state: 'requested' | 'applied';
        applied_at: string | null;
        applied_by: string | null;
      }[]
    ).map((r) => ({ requestId: r.request_id, recordingId: r.recording_id, untilDate: r.until_date, permanent: r.permanent === 1, state: r.state, appliedAt: r.applied_at, appliedBy: r.applied_by }));
  }

  /**
   * Asks to keep recordings longer: an 'extend' access request (decided by an approver like any
   * other) and the terms it asks for, created together. Nothing changes until it is approved and applied.
   */
  requestExtension(actor: User, input: { recordingIds: string[]; until: LocalDate | 'permanent'; purpose: string; caseId?: string | null }) {
    const ids = [...new Set(input.recordingIds)];
    if (ids.length === 0) throw new StationError('input', 'request.no_items', {});
    for (const id of ids) this.assertLive(id);
    let untilDate: LocalDate | null = null;
    if (input.until !== 'permanent') {
      untilDate = assertLocalDate(input.until);
      // An "extension" ending before the present date would shorten nothing and mislead the approver.
      if (untilDate <= localDateAt(this.now(), this.timeZone())) throw new StationError('input', 'retention.extension_in_past', { until: untilDate });
    }
    return this.deps.write(() => {
      const request = this.deps.requests.create(actor, { kind: 'extend', recordingIds: ids, purpose: input.purpose, caseId: input.caseId ?? null });
      const put = this.db.prepare("INSERT INTO retention_extensions (request_id, recording_id, until_date, permanent, state) VALUES (?, ?, ?, ?, 'requested')");
      for (const id of ids) put.run(request.id, id, untilDate, untilDate === null ? 1 : 0);
      this.deps.ledger.append({ actor: actor.username, action: 'retention.extension_requested', subject: `request:${request.id}`, details: { recordings: ids, until: untilDate, permanent: untilDate === null } });
      return { request, terms: this.extensionsOf(request.id) };
    });
  }

  /** After the approver's decision: the extension takes effect and the approval is used up. */
  applyExtension(actor: User, requestId: string): { request: AccessRequest; statuses: RetentionStatus[] } {
    const terms = this.extensionsOf(requestId);
    if (terms.length === 0) throw new StationError('input', 'retention.no_extension_terms', { requestId });
    this.deps.requests.requireApproval(actor, requestId, 'extend');
    this.deps.write(() => {
      const at = this.now().toISOString();
      this.db.prepare("UPDATE retention_extensions SET state = 'applied', applied_at = ?, applied_by = ? WHERE request_id = ? AND state = 'requested'").run(at, actor.username, requestId);
      for (const t of terms) {
        this.deps.ledger.append({ actor: actor.username, action: 'retention.extended', subject: `recording:${t.recordingId}`, details: { requestId, until: t.untilDate, permanent: t.permanent } });
      }
      this.deps.requests.markFulfilled(actor.username, requestId, { extended: terms.map((t) => t.recordingId) });
    });
    return { request: this.deps.requests.get(requestId), statuses: this.statusOf(terms.map((t) => t.recordingId)) };
  }

  // ---------------------------------------------------------------------------------------------

  /** The recording exists and was not destroyed. */
  assertLive(recordingId: string): void {
    if (!recordingExists(this.db, recordingId)) throw new StationError('input', 'recording.not_found', { recordingId });
    if (this.db.prepare('SELECT 1 FROM destroyed_recordings WHERE recording_id = ?').get(recordingId)) throw new StationError('state', 'recording.destroyed', { recordingId });
  }
}

/** Approved requests whose retention extensions are still to apply (the custodian's to-do). */
export function extensionsToApplyCount(db: ReadableDB): number {
  return (
    db.prepare(`SELECT COUNT(DISTINCT x.request_id) AS n FROM retention_extensions x ${requestJoin('q', 'x.request_id')} WHERE x.state = 'requested' AND q.state = 'approved'`).get() as { n: number }
  ).n;
}
