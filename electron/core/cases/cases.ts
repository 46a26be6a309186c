// Case files (案卷): the case, its officers and party, and the recordings used in it as evidence
// (作为证据使用) each with the written note 002 第二十三条 asks for (who took it, when, where).
// A case is open while the enforcement act runs, closed when it ended (执法行为终结: the archive
// deadline starts, 002 第二十一条, 003 第二十五条, 004 第十八条), archived when the file is
// complete (立卷归档: the file's retention starts, and with it its evidence's, 000 第十二条).
import { StationError, isStationError } from '../errors.ts';
import type { ReadableDB, WritableDB } from '../db/database.ts';
import type { SettingsShape } from '../settings.ts';
import type { User } from '../access/users.ts';
import { requestIdsForCase, type AccessRequest, type RequestKind, type Requests } from '../access/requests.ts';
import { burnJobsOfRequests, type RequestBurnJob } from '../discs/jobStore.ts';
import { officerJoin, officerRegistered } from '../ingest/registryReads.ts';
import { normalizeRecordingId } from '../recordings/catalogue.ts';
import { inRecordedOrder, recordingExists, type Recordings } from '../recordings/recordings.ts';
import type { DeadlineSpec, WorkingDayCalendar } from '../calendar/workingDays.ts';
import { queryLedger, seqsWithDetail } from '../ledger/query.ts';
import type { Ledger, LedgerEntry } from '../ledger/ledger.ts';
import { assertPeriod } from './period.ts';
import { ENFORCEMENT_TYPES, PARTY_KINDS, type ArchiveDeadline, type Case, type CaseLink, type CaseOfficer, type CaseState, type EnforcementType, type PartyKind, type Period } from './types.ts';

type CaseRow = {
  id: string;
  number: number;
  case_number: string;
  title: string;
  enforcement_type: EnforcementType;
  party_kind: PartyKind;
  party_name: string;
  party_id_number: string | null;
  description: string;
  file_retention: string;
  state: CaseState;
  opened_at: string;
  created_at: string;
  created_by: string;
  closed_at: string | null;
  closed_by: string | null;
  close_note: string | null;
  archive_rule: string | null;
  archived_at: string | null;
  archived_by: string | null;
  archive_note: string | null;
};

type LinkRow = {
  id: number;
  case_id: string;
  recording_id: string;
  note: string;
  linked_at: string;
  linked_by: string;
  link_seq: number;
  unlinked_at: string | null;
  unlinked_by: string | null;
  unlink_reason: string | null;
  unlink_seq: number | null;
};

export type CaseInput = {
  caseNumber: string;
  title: string;
  enforcementType: EnforcementType;
  party: { kind: PartyKind; name: string; idNumber?: string | null };
  description?: string;
  officers?: { badge: string; role?: 'lead' | 'assist' }[];
  openedAt?: string;
  fileRetention?: Period;
};

export type CaseUpdate = Partial<Omit<CaseInput, 'openedAt'>>;

export type CaseFilter = { state?: CaseState; enforcementType?: EnforcementType; text?: string; officer?: string; offset?: number; limit?: number };

/** A burn job of the disc feature made for one of the case's requests. */
/** A burn job made for one of the case's requests (the disc feature's, read through it). */
export type CaseDisc = RequestBurnJob;

function toLink(r: LinkRow): CaseLink {
  return {
    id: r.id,
    caseId: r.case_id,
    recordingId: r.recording_id,
    note: r.note,
    linkedAt: r.linked_at,
    linkedBy: r.linked_by,
    linkSeq: r.link_seq,
    unlinkedAt: r.unlinked_at,
    unlinkedBy: r.unlinked_by,
    unlinkReason: r.unlink_reason,
    unlinkSeq: r.unlink_seq,
  };
}

function required(value: string | undefined, field: string): string {
  const v = (value ?? '').trim();
  if (!v) throw new StationError('input', 'case.field_required', { field });
  return v;
}

export type CaseDeps = {
  db: WritableDB;
  ledger: Pick<Ledger, 'append' | 'entry'>;
  now: () => Date;
  write: <T>(fn: () => T) => T;
  requests: Pick<Requests, 'expireDue' | 'get' | 'create'>;
  /** The working-day calendar in force (with the administrator's edits) when a deadline is counted. */
  calendar: () => Pick<WorkingDayCalendar, 'deadlineAfter'>;
  timeZone: () => string;
  /** The agency's default term for a new case file. */
  fileRetention: () => SettingsShape['cases.fileRetention'];
  /** The agency's 立卷归档 deadline rule, read when a case is closed. */
  archiveDeadline: () => SettingsShape['cases.archiveDeadline'];
  /** The recordings catalogue's owner: the case and party columns are kept through it. */
  catalogue: () => Pick<Recordings, 'caseOf' | 'setCase'>;
};

export class CaseService {
  private readonly deps: CaseDeps;
  constructor(deps: CaseDeps) {
    this.deps = deps;
  }

  private get db() {
    return this.deps.db;
  }

  private now(): Date {
    return this.deps.now();
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /** Accepts the station's id (CASE-000012, case-12, 12) or the agency's 案号. */
  resolveId(idOrNumber: string): string {
    const raw = idOrNumber.trim();
    const m = /^(?:case-)?0*([0-9]{1,12})$/i.exec(raw);
    if (m) {
      const id = `CASE-${m[1]!.padStart(6, '0')}`;
      if (this.db.prepare('SELECT 1 FROM cases WHERE id = ?').get(id)) return id;
    }
    const byNumber = this.db.prepare('SELECT id FROM cases WHERE case_number = ?').get(raw) as { id: string } | undefined;
    if (byNumber) return byNumber.id;
    throw new StationError('input', 'case.not_found', { caseId: idOrNumber });
  }

  private row(id: string): CaseRow {
    const row = this.db.prepare('SELECT * FROM cases WHERE id = ?').get(this.resolveId(id)) as CaseRow | undefined;
    if (!row) throw new StationError('input', 'case.not_found', { caseId: id });
    return row;
  }

  get(id: string): Case {
    return this.toCase(this.row(id));
  }

  officers(caseId: string): CaseOfficer[] {
    return (
      this.db
        .prepare(
          `SELECT co.badge, o.name, co.role, co.added_at, co.added_by FROM case_officers co ${officerJoin('o', 'co.badge')}
           WHERE co.case_id = ? ORDER BY co.role = 'lead' DESC, co.added_at, co.badge`,
        )
        .all(caseId) as { badge: string; name: string | null; role: 'lead' | 'assist'; added_at: string; added_by: string }[]
    ).map((o) => ({ badge: o.badge, name: o.name, role: o.role, addedAt: o.added_at, addedBy: o.added_by }));
  }

  /** The 立卷归档 deadline of a closed case, on the calendar in force; a year it lacks is reported, not guessed. */
  archiveDeadline(row: Pick<CaseRow, 'state' | 'closed_at' | 'archive_rule'>): ArchiveDeadline | null {
    if (row.state !== 'closed' || !row.closed_at || !row.archive_rule) return null;
    const rule = JSON.parse(row.archive_rule) as DeadlineSpec;
    try {
      const deadline = this.deps.calendar().deadlineAfter(new Date(row.closed_at), rule, this.deps.timeZone());
      return { rule, deadline: deadline.toISOString(), problem: null, overdue: this.now().getTime() > deadline.getTime() };
    } catch (e) {
      if (!isStationError(e)) throw e;
      return { rule, deadline: null, problem: { code: e.code, params: e.params }, overdue: false };
    }
  }

  private toCase(r: CaseRow): Case {
    const count = (this.db.prepare('SELECT COUNT(*) AS n FROM case_links WHERE case_id = ? AND unlinked_at IS NULL').get(r.id) as { n: number }).n;
    return {
      id: r.id,
      number: r.number,
      caseNumber: r.case_number,
      title: r.title,
      enforcementType: r.enforcement_type,
      party: { kind: r.party_kind, name: r.party_name, idNumber: r.party_id_number },
      description: r.description,
      fileRetention: JSON.parse(r.file_retention) as Period,
      state: r.state,
      openedAt: r.opened_at,
      createdAt: r.created_at,
      createdBy: r.created_by,
      closedAt: r.closed_at,
      closedBy: r.closed_by,
      closeNote: r.close_note,
      archivedAt: r.archived_at,
      archivedBy: r.archived_by,
      archiveNote: r.archive_note,
      officers: this.officers(r.id),
      recordingCount: count,
      archive: this.archiveDeadline(r),
    };
  }

  list(f: CaseFilter = {}): { total: number; items: Case[] } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.state) {
      where.push('c.state = ?');
      args.push(f.state);
    }
    if (f.enforcementType) {
      where.push('c.enforcement_type = ?');
      args.push(f.enforcementType);
    }
    if (f.officer) {
      where.push('EXISTS (SELECT 1 FROM case_officers co WHERE co.case_id = c.id AND co.badge = ?)');
      args.push(f.officer);
    }
    if (f.text) {
      where.push('(instr(c.case_number, ?) > 0 OR instr(c.title, ?) > 0 OR instr(c.party_name, ?) > 0)');
      args.push(f.text, f.text, f.text);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM cases c ${clause}`).get(...args) as { n: number }).n;
    const rows = this.db.prepare(`SELECT c.* FROM cases c ${clause} ORDER BY c.number DESC LIMIT ? OFFSET ?`).all(...args, f.limit ?? 100, f.offset ?? 0) as CaseRow[];
    return { total, items: rows.map((r) => this.toCase(r)) };
  }

  links(caseId: string, options: { includeUnlinked?: boolean } = {}): CaseLink[] {
    const id = this.resolveId(caseId);
    const sql = `SELECT * FROM case_links WHERE case_id = ? ${options.includeUnlinked ? '' : 'AND unlinked_at IS NULL'} ORDER BY id`;
    return (this.db.prepare(sql).all(id) as LinkRow[]).map(toLink);
  }

  /** Active links of a recording (a recording may be evidence in more than one case). */
  linksOfRecording(recordingId: string): CaseLink[] {
    return (this.db.prepare('SELECT * FROM case_links WHERE recording_id = ? ORDER BY id').all(recordingId) as LinkRow[]).map(toLink);
  }

  /** The recordings a whole-case request or disc covers: linked now and not destroyed. */
  recordingIdsOf(caseId: string): string[] {
    const id = this.resolveId(caseId);
    const linked = (
      this.db
        .prepare(
          `SELECT l.recording_id FROM case_links l
           WHERE l.case_id = ? AND l.unlinked_at IS NULL AND NOT EXISTS (SELECT 1 FROM destroyed_recordings d WHERE d.recording_id = l.recording_id)`,
        )
        .all(id) as { recording_id: string }[]
    ).map((r) => r.recording_id);
    return inRecordedOrder(this.db, linked);
  }

  /** Requests made for the case, or naming any recording linked to it now. */
  requests(caseId: string): AccessRequest[] {
    const id = this.resolveId(caseId);
    this.deps.requests.expireDue();
    const linkedNow = (this.db.prepare('SELECT recording_id FROM case_links WHERE case_id = ? AND unlinked_at IS NULL').all(id) as { recording_id: string }[]).map((l) => l.recording_id);
    return requestIdsForCase(this.db, id, linkedNow).map((requestId) => this.deps.requests.get(requestId));
  }

  /**
   * Burn jobs made for the case's requests (the disc feature's tables, migration 0004), each with
   * how many media were written and verified. Read only: this feature never writes them.
   */
  discs(caseId: string): CaseDisc[] {
    const id = this.resolveId(caseId);
    return burnJobsOfRequests(this.db, this.requests(id).map((r) => r.id));
  }

  /** Every ledger entry about the case: its own, and its links (whose subject is the recording). */
  history(caseId: string): LedgerEntry[] {
    const id = this.resolveId(caseId);
    const own = queryLedger(this.db, { subject: `case:${id}`, order: 'asc', limit: 10_000 }).entries;
    const seqs = seqsWithDetail(this.db, ['case.recording_linked', 'case.recording_unlinked'], '$.caseId', id);
    const linked = seqs.map((s) => this.deps.ledger.entry(s)!).filter(Boolean);
    return [...own, ...linked].sort((a, b) => a.seq - b.seq);
  }

  // ---------------------------------------------------------------------------------------------
  // Changing

  private checkOfficers(officers: { badge: string; role?: 'lead' | 'assist' }[]): { badge: string; role: 'lead' | 'assist' }[] {
    const seen = new Set<string>();
    return officers.map((o, i) => {
      const badge = o.badge.trim();
      if (seen.has(badge)) throw new StationError('input', 'case.officer_twice', { badge });
      seen.add(badge);
      if (!officerRegistered(this.db, badge)) throw new StationError('input', 'case.officer_unknown', { badge });
      return { badge, role: o.role ?? (i === 0 ? 'lead' : 'assist') };
    });
  }

  private checkInput(input: CaseInput): void {
    if (!(ENFORCEMENT_TYPES as readonly string[]).includes(input.enforcementType)) throw new StationError('input', 'case.bad_enforcement_type', { value: String(input.enforcementType) });
    if (!(PARTY_KINDS as readonly string[]).includes(input.party.kind)) throw new StationError('input', 'case.bad_party_kind', { value: String(input.party.kind) });
  }

  create(actor: string, input: CaseInput): Case {
    const caseNumber = required(input.caseNumber, 'caseNumber');
    const title = required(input.title, 'title');
    const partyName = required(input.party?.name, 'party.name');
    this.checkInput(input);
    const officers = this.checkOfficers(input.officers ?? []);
    const fileRetention = assertPeriod(input.fileRetention ?? this.deps.fileRetention());
    const now = this.now();
    const openedAt = input.openedAt ? new Date(input.openedAt) : now;
    if (Number.isNaN(openedAt.getTime()) || openedAt.getTime() > now.getTime()) throw new StationError('input', 'case.bad_time', { field: 'openedAt', value: input.openedAt ?? '' });
    if (this.db.prepare('SELECT 1 FROM cases WHERE case_number = ?').get(caseNumber)) throw new StationError('input', 'case.number_taken', { caseNumber });
    return this.deps.write(() => {
      const number = ((this.db.prepare('SELECT MAX(number) AS n FROM cases').get() as { n: number | null }).n ?? 0) + 1;
      const id = `CASE-${String(number).padStart(6, '0')}`;
      const at = now.toISOString();
      const party = { kind: input.party.kind, name: partyName, idNumber: input.party.idNumber?.trim() || null };
      this.db
        .prepare(
          `INSERT INTO cases (id, number, case_number, title, enforcement_type, party_kind, party_name, party_id_number, description, file_retention, state, opened_at, created_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)`,
        )
        .run(id, number, caseNumber, title, input.enforcementType, party.kind, party.name, party.idNumber, input.description?.trim() ?? '', JSON.stringify(fileRetention), openedAt.toISOString(), at, actor);
      const put = this.db.prepare('INSERT INTO case_officers (case_id, badge, role, added_at, added_by) VALUES (?, ?, ?, ?, ?)');
      for (const o of officers) put.run(id, o.badge, o.role, at, actor);
      this.deps.ledger.append({
        actor,
        action: 'case.created',
        subject: `case:${id}`,
        details: { caseNumber, title, enforcementType: input.enforcementType, party, description: input.description?.trim() ?? '', officers, openedAt: openedAt.toISOString(), fileRetention },
      });
      return this.get(id);
    });
  }

  /** Corrections while the case is open; the ledger keeps every field's before and after. */
  update(actor: string, caseId: string, changes: CaseUpdate): Case {
    const row = this.row(caseId);
    if (row.state !== 'open' && (changes.officers || changes.party || changes.caseNumber || changes.enforcementType)) throw new StationError('state', 'case.not_open', { caseId: row.id, state: row.state });
    const before = this.toCase(row);
    const next = {
      caseNumber: changes.caseNumber !== undefined ? required(changes.caseNumber, 'caseNumber') : before.caseNumber,
      title: changes.title !== undefined ? required(changes.title, 'title') : before.title,
      enforcementType: changes.enforcementType ?? before.enforcementType,
      party: changes.party ? { kind: changes.party.kind, name: required(changes.party.name, 'party.name'), idNumber: changes.party.idNumber?.trim() || null } : before.party,
      description: changes.description !== undefined ? changes.description.trim() : before.description,
      fileRetention: changes.fileRetention ? assertPeriod(changes.fileRetention) : before.fileRetention,
    };
    this.checkInput({ ...next, party: next.party });
    const officers = changes.officers ? this.checkOfficers(changes.officers) : null;
    if (next.caseNumber !== before.caseNumber && this.db.prepare('SELECT 1 FROM cases WHERE case_number = ?').get(next.caseNumber)) throw new StationError('input', 'case.number_taken', { caseNumber: next.caseNumber });
    const diff: Record<string, { from: unknown; to: unknown }> = {};
    for (const key of Object.keys(next) as (keyof typeof next)[]) {
      if (JSON.stringify(next[key]) !== JSON.stringify(before[key])) diff[key] = { from: before[key], to: next[key] };
    }
    const beforeOfficers = before.officers.map((o) => ({ badge: o.badge, role: o.role }));
    if (officers && JSON.stringify(officers) !== JSON.stringify(beforeOfficers)) diff.officers = { from: beforeOfficers, to: officers };
    if (Object.keys(diff).length === 0) return before;
    return this.deps.write(() => {
      this.db
        .prepare('UPDATE cases SET case_number = ?, title = ?, enforcement_type = ?, party_kind = ?, party_name = ?, party_id_number = ?, description = ?, file_retention = ? WHERE id = ?')
        .run(next.caseNumber, next.title, next.enforcementType, next.party.kind, next.party.name, next.party.idNumber, next.description, JSON.stringify(next.fileRetention), row.id);
      if (officers && diff.officers) {
        this.db.prepare('DELETE FROM case_officers WHERE case_id = ?').run(row.id);
        const put = this.db.prepare('INSERT INTO case_officers (case_id, badge, role, added_at, added_by) VALUES (?, ?, ?, ?, ?)');
        for (const o of officers) put.run(row.id, o.badge, o.role, this.now().toISOString(), actor);
      }
      this.deps.ledger.append({ actor, action: 'case.updated', subject: `case:${row.id}`, details: { changes: diff } });
      if (diff.party) this.syncCatalogue(actor, this.links(row.id).map((l) => l.recordingId));
      return this.get(row.id);
    });
  }

  /**
   * Links recordings as evidence. `note` is the 文字说明 of 002 第二十三条 (取证人员、取证时间、取证地点).
   * Only an open case takes evidence: a concluded case's file is what it was when it ended.
   */
  link(actor: string, caseId: string, recordingIds: string[], note: string): { case: Case; links: CaseLink[] } {
    const row = this.row(caseId);
    if (row.state !== 'open') throw new StationError('state', 'case.not_open', { caseId: row.id, state: row.state });
    const text = note.trim();
    if (text.length < 2) throw new StationError('input', 'case.note_required', {});
    const ids = [...new Set(recordingIds.map((r) => normalizeRecordingId(r)))];
    if (ids.length === 0) throw new StationError('input', 'case.no_recordings', { caseId: row.id });
    for (const id of ids) {
      if (!recordingExists(this.db, id)) throw new StationError('input', 'recording.not_found', { recordingId: id });
      if (this.db.prepare('SELECT 1 FROM destroyed_recordings WHERE recording_id = ?').get(id)) throw new StationError('state', 'recording.destroyed', { recordingId: id });
      if (this.db.prepare('SELECT 1 FROM case_links WHERE case_id = ? AND recording_id = ? AND unlinked_at IS NULL').get(row.id, id)) {
        throw new StationError('input', 'case.already_linked', { caseId: row.id, recordingId: id });
      }
    }
    return this.deps.write(() => {
      const created: CaseLink[] = [];
      for (const id of ids) {
        const at = this.now().toISOString();
        const entry = this.deps.ledger.append({ actor, action: 'case.recording_linked', subject: `recording:${id}`, details: { caseId: row.id, caseNumber: row.case_number, note: text } });
        const info = this.db.prepare('INSERT INTO case_links (case_id, recording_id, note, linked_at, linked_by, link_seq) VALUES (?, ?, ?, ?, ?, ?)').run(row.id, id, text, at, actor, entry.seq);
        created.push(toLink(this.db.prepare('SELECT * FROM case_links WHERE id = ?').get(Number(info.lastInsertRowid)) as LinkRow));
      }
      this.syncCatalogue(actor, ids);
      return { case: this.get(row.id), links: created };
    });
  }

  unlink(actor: string, caseId: string, recordingId: string, reason: string): { case: Case; link: CaseLink } {
    const row = this.row(caseId);
    if (row.state !== 'open') throw new StationError('state', 'case.not_open', { caseId: row.id, state: row.state });
    const why = reason.trim();
    if (why.length < 2) throw new StationError('input', 'case.reason_required', {});
    const id = normalizeRecordingId(recordingId);
    const link = this.db.prepare('SELECT * FROM case_links WHERE case_id = ? AND recording_id = ? AND unlinked_at IS NULL').get(row.id, id) as LinkRow | undefined;
    if (!link) throw new StationError('input', 'case.not_linked', { caseId: row.id, recordingId: id });
    return this.deps.write(() => {
      const entry = this.deps.ledger.append({ actor, action: 'case.recording_unlinked', subject: `recording:${id}`, details: { caseId: row.id, caseNumber: row.case_number, reason: why, linkSeq: link.link_seq } });
      this.db.prepare('UPDATE case_links SET unlinked_at = ?, unlinked_by = ?, unlink_reason = ?, unlink_seq = ? WHERE id = ?').run(entry.time, actor, why, entry.seq, link.id);
      this.syncCatalogue(actor, [id]);
      return { case: this.get(row.id), link: toLink(this.db.prepare('SELECT * FROM case_links WHERE id = ?').get(link.id) as LinkRow) };
    });
  }

  /**
   * Keeps the catalogue's case and party columns (000 第十条: classified by case and party) equal to
   * the recording's first case it is still linked to; each change is ledgered on the recording.
   */
  private syncCatalogue(actor: string, recordingIds: string[]): void {
    for (const id of recordingIds) {
      const current = this.deps.catalogue().caseOf(id);
      const primary = this.db
        .prepare('SELECT c.id, c.party_name FROM case_links l JOIN cases c ON c.id = l.case_id WHERE l.recording_id = ? AND l.unlinked_at IS NULL ORDER BY l.id LIMIT 1')
        .get(id) as { id: string; party_name: string } | undefined;
      const next = { caseId: primary?.id ?? null, party: primary?.party_name ?? null };
      if (next.caseId === current.caseId && next.party === current.party) continue;
      this.deps.catalogue().setCase(id, next.caseId, next.party);
      this.deps.ledger.append({ actor, action: 'recording.case_assigned', subject: `recording:${id}`, details: { from: { caseId: current.caseId, party: current.party }, to: next } });
    }
  }

  /** 执法行为终结: the archive deadline starts, on the rule in force now (kept with the case). */
  close(actor: string, caseId: string, input: { concludedAt?: string; note?: string } = {}): Case {
    const row = this.row(caseId);
    if (row.state !== 'open') throw new StationError('state', 'case.not_open', { caseId: row.id, state: row.state });
    const now = this.now();
    const concluded = input.concludedAt ? new Date(input.concludedAt) : now;
    if (Number.isNaN(concluded.getTime()) || concluded.getTime() > now.getTime() || concluded.toISOString() < row.opened_at) {
      throw new StationError('input', 'case.bad_time', { field: 'concludedAt', value: input.concludedAt ?? '' });
    }
    const setting = this.deps.archiveDeadline();
    const rule: DeadlineSpec = setting.byType[row.enforcement_type] ?? setting.default;
    return this.deps.write(() => {
      this.db.prepare("UPDATE cases SET state = 'closed', closed_at = ?, closed_by = ?, close_note = ?, archive_rule = ? WHERE id = ?").run(concluded.toISOString(), actor, input.note?.trim() ?? '', JSON.stringify(rule), row.id);
      const archive = this.archiveDeadline({ state: 'closed', closed_at: concluded.toISOString(), archive_rule: JSON.stringify(rule) });
      this.deps.ledger.append({
        actor,
        action: 'case.closed',
        subject: `case:${row.id}`,
        details: { concludedAt: concluded.toISOString(), note: input.note?.trim() ?? '', archiveRule: rule, archiveDeadline: archive?.deadline ?? null, recordings: this.links(row.id).map((l) => l.recordingId) },
      });
      return this.get(row.id);
    });
  }

  /** 立卷归档: the file is complete; from now its (and its evidence's) retention period runs. */
  archive(actor: string, caseId: string, note = ''): Case {
    const row = this.row(caseId);
    if (row.state !== 'closed') throw new StationError('state', 'case.not_closed', { caseId: row.id, state: row.state });
    const at = this.now().toISOString();
    const deadline = this.archiveDeadline(row);
    return this.deps.write(() => {
      this.db.prepare("UPDATE cases SET state = 'archived', archived_at = ?, archived_by = ?, archive_note = ? WHERE id = ?").run(at, actor, note.trim(), row.id);
      this.deps.ledger.append({ actor, action: 'case.archived', subject: `case:${row.id}`, details: { note: note.trim(), deadline: deadline?.deadline ?? null, late: deadline?.overdue ?? false } });
      return this.get(row.id);
    });
  }

  /** A whole-case request: the case's linked recordings become the request's items. */
  createRequest(actor: User, caseId: string, input: { kind: RequestKind; purpose: string }): AccessRequest {
    const id = this.resolveId(caseId);
    const recordingIds = this.recordingIdsOf(id);
    if (recordingIds.length === 0) throw new StationError('input', 'case.no_recordings', { caseId: id });
    return this.deps.requests.create(actor, { kind: input.kind, recordingIds, purpose: input.purpose, caseId: id });
  }
}

/** How many cases are open. */
export function openCaseCount(db: ReadableDB): number {
  return (db.prepare("SELECT COUNT(*) AS n FROM cases WHERE state = 'open'").get() as { n: number }).n;
}
