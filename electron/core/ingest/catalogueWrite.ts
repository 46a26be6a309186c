// The catalogue write of one ingested file: who recorded it (recorder, officer), its hand-over
// deadline, whether it follows an interruption (000_f52585dae22cddca.txt 第九条), the named row for
// the recordings feature and the recording.ingested ledger entry — all inside the vault's
// transaction, so a file is either fully catalogued or not at all.
import { isStationError } from '../errors.ts';
import type { Clock } from '../clock.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Settings } from '../settings.ts';
import type { StoredObject } from '../vault/vault.ts';
import type { Recordings, SegmentOwner } from '../recordings/recordings.ts';
import type { NewRecording } from '../recordings/newRecording.ts';
import { rawPathHex, type ScannedEntry } from './scan.ts';
import type { OpenedSource, ReadOutcome } from './sourceFile.ts';
import type { FileFacts } from './metadata.ts';
import { handoverDeadline, isLate, type HandoverRule } from './handover.ts';
import { LazyHolidayCalendar, type WorkingDayCalendar } from './workingDays.ts';
import type { Registry } from './registry.ts';
import type { SessionStore } from './sessionStore.ts';
import type { Committed, Ctx } from './types.ts';

/** One file read and stored, about to be catalogued. */
export type FileToCatalogue = { ctx: Ctx; seq: number; entry: ScannedEntry; src: OpenedSource; read: ReadOutcome; facts: FileFacts };

export type CatalogueWriteDeps = {
  recordings: Recordings;
  registry: Pick<Registry, 'recorder'>;
  store: Pick<SessionStore, 'setCatalogued' | 'now'>;
  ledger: Pick<Ledger, 'append'>;
  clock: Clock;
  settings: Pick<Settings, 'get'>;
  calendar: WorkingDayCalendar;
};

export class CatalogueWrite {
  private readonly deps: CatalogueWriteDeps;
  constructor(deps: CatalogueWriteDeps) {
    this.deps = deps;
  }

  private identity(ctx: Ctx, facts: FileFacts): { recorderSerial: string | null; recorderSource: string | null; officerBadge: string | null; officerSource: string | null } {
    const recorderSerial = ctx.source.recorder?.serial ?? facts.name.deviceSerial ?? ctx.source.vendorInfo?.deviceSerial ?? null;
    const recorderSource = ctx.source.recorder ? ctx.source.recorder.via : facts.name.deviceSerial ? 'name' : ctx.source.vendorInfo?.deviceSerial ? 'vendor' : null;
    // The file name is the recorder's word for this very file; the vendor info says who is bound to
    // the device now; the registry says whom the custodian assigned it to. Nothing else is used.
    let officerBadge: string | null = null;
    let officerSource: string | null = null;
    if (facts.name.officerId) {
      officerBadge = facts.name.officerId;
      officerSource = 'name';
    } else if (ctx.source.vendorInfo?.officerId) {
      officerBadge = ctx.source.vendorInfo.officerId;
      officerSource = 'vendor';
    } else if (recorderSerial) {
      const assigned = this.deps.registry.recorder(recorderSerial)?.officerBadge ?? null;
      if (assigned) {
        officerBadge = assigned;
        officerSource = 'registry';
      }
    }
    return { recorderSerial, recorderSource, officerBadge, officerSource };
  }

  /**
   * Inside the vault's transaction: the catalogue row, the per-file result and the ledger entry.
   * Public for the scale bench, which builds a million-recording catalogue through this very code.
   */
  insertRecording(file: FileToCatalogue, object: { id: string; sha256: string; size: number }, duplicateOf: string | null): string {
    const { ctx, seq, entry, src, read, facts } = file;
    const settings = this.deps.settings;
    const { id, number } = this.deps.recordings.next();
    const storedAt = this.deps.clock.now();
    const rule = settings.get('handover.deadline') as HandoverRule;
    const timeZone = settings.get('agency.timeZone');
    let deadline: Date | null;
    let deadlineUnknown: string | null = null;
    try {
      deadline = handoverDeadline(facts.recordedEndAt, rule, timeZone, this.deps.calendar);
    } catch (e) {
      // A calendar that does not cover the year refuses to guess; the deadline stays unknown and
      // the ledger says why, so an admin adds the year's arrangement (calendar.edit).
      deadline = null;
      deadlineUnknown = isStationError(e) ? e.code : 'calendar.unavailable';
    }
    // A duplicate's hand-over was judged on the first copy; a later copy of the same footage
    // (a vendor-synced folder) is not a new hand-over.
    const late = duplicateOf === null && deadline !== null && isLate(storedAt, deadline);
    const who = this.identity(ctx, facts);
    const interruption = duplicateOf === null ? this.previousSegmentGap(who.recorderSerial, who.officerBadge, facts) : null;
    const fileName = entry.path.slice(entry.path.lastIndexOf('/') + 1);
    const details = {
      sessionId: ctx.sessionId,
      outcome: duplicateOf ? 'duplicate' : 'ingested',
      objectId: object.id,
      sha256: object.sha256,
      size: object.size,
      duplicateOf,
      recorder: who.recorderSerial,
      recorderSource: who.recorderSource,
      officer: who.officerBadge,
      officerSource: who.officerSource,
      recordedAt: facts.recordedAt.toISOString(),
      recordedAtSource: facts.recordedAtSource,
      recordedAtReason: facts.recordedAtReason,
      timeInFuture: facts.timeInFuture,
      timeMismatch: facts.timeMismatch,
      times: { name: facts.nameTime?.toISOString() ?? null, metadata: facts.metaTime?.toISOString() ?? null, filesystem: facts.fsTime.toISOString() },
      nameRule: facts.nameRule,
      nameRulesMatched: facts.nameRulesMatched.map((m) => m.rule),
      important: facts.name.important,
      kind: facts.kind,
      parseProblem: facts.problem,
      source: { key: ctx.source.sourceKey, root: ctx.source.root, device: ctx.source.device, path: entry.path, pathHex: rawPathHex(entry.segments), size: src.size, mtimeMs: src.mtimeMs },
      handover: { rule, deadline: deadline?.toISOString() ?? null, late, calendar: 'workingDays' in rule ? calendarName(this.deps.calendar) : null, deadlineUnknown },
      interruption: interruption ? { after: interruption.after, gapSeconds: interruption.gapSeconds } : null,
      changedDuringRead: read.changed,
      clockDrift: ctx.clockDrift ? { seconds: ctx.clockDrift.seconds, source: ctx.clockDrift.source } : null,
    };
    const ledgerEntry = this.deps.ledger.append({ actor: ctx.actor, action: 'recording.ingested', subject: `recording:${id}`, details });
    const recording: NewRecording = {
      id,
      number,
      objectId: object.id,
      sha256: object.sha256,
      size: object.size,
      duplicateOf,
      ingestSeq: ledgerEntry.seq,
      agencyCode: settings.get('agency.code'),
      agencyName: settings.get('agency.name'),
      recorderSerial: who.recorderSerial,
      recorderSource: who.recorderSource,
      officerBadge: who.officerBadge,
      officerSource: who.officerSource,
      nameCaseNumber: facts.name.caseNumber ?? null,
      recordedAt: facts.recordedAt.toISOString(),
      recordedAtSource: facts.recordedAtSource,
      recordedEndAt: facts.recordedEndAt.toISOString(),
      storedAt: storedAt.toISOString(),
      times: {
        name: facts.nameTime?.toISOString() ?? null,
        nameRaw: facts.nameTimeRaw,
        metadata: facts.metaTime?.toISOString() ?? null,
        metadataSource: facts.metaTimeSource,
        filesystem: facts.fsTime.toISOString(),
      },
      nameRule: facts.nameRule,
      nameRulesMatched: facts.nameRulesMatched,
      nameSequence: facts.name.sequence ?? null,
      important: facts.name.important,
      kind: facts.kind,
      format: facts.format,
      durationSeconds: facts.durationSeconds,
      width: facts.width,
      height: facts.height,
      videoCodec: facts.videoCodec,
      audioCodec: facts.audioCodec,
      parseProblem: facts.problem,
      originalName: fileName,
      source: { kind: ctx.source.kind, key: ctx.source.sourceKey, root: ctx.source.root, device: ctx.source.device, path: entry.path, pathHex: rawPathHex(entry.segments), size: src.size, mtimeMs: src.mtimeMs },
      sessionId: ctx.sessionId,
      ingestedBy: ctx.actor,
      handover: { rule, deadline: deadline?.toISOString() ?? null, late, deadlineUnknown: duplicateOf === null && deadline === null && deadlineUnknown !== null },
      interruption,
      changedDuringRead: read.changed,
      recordedAtReason: facts.recordedAtReason,
      timeInFuture: facts.timeInFuture,
      timeMismatch: facts.timeMismatch,
      clockDrift: ctx.clockDrift ? { seconds: ctx.clockDrift.seconds, source: ctx.clockDrift.source } : null,
    };
    this.deps.recordings.insert(recording);
    if (duplicateOf === null) this.flagNextSegment(ctx.actor, id, who.recorderSerial, who.officerBadge, facts);
    this.deps.store.setCatalogued(ctx.sessionId, seq, duplicateOf ? 'duplicate' : 'ingested', id, storedAt.toISOString());
    return id;
  }

  /**
   * Inside the vault's transaction: the file's catalogue row, its per-file result and the ledger
   * entry. Content the vault already held gets a new row of its own all the same (a copy found on
   * another device or folder is its own custody event), linked to the stored object.
   */
  catalogue(file: FileToCatalogue, stored: StoredObject): Committed {
    if (!stored.duplicates) return { recordingId: this.insertRecording(file, stored, null), outcome: 'ingested' };
    const { ctx, seq, entry } = file;
    const same = this.deps.recordings.sameSourceContent(ctx.source.sourceKey, rawPathHex(entry.segments), stored.sha256);
    if (same) {
      // The same file of the same source, only its time stamp changed: it is already catalogued.
      this.deps.store.setCatalogued(ctx.sessionId, seq, 'already_ingested', same, this.deps.store.now());
      return { recordingId: same, outcome: 'already_ingested' };
    }
    const first = this.deps.recordings.firstOf(stored.duplicates.id);
    // Without an earlier recording the object was stored by something other than an ingest, and
    // this is the first recording of it.
    const recordingId = this.insertRecording(file, stored.duplicates, first);
    return { recordingId, outcome: first ? 'duplicate' : 'ingested' };
  }

  /**
   * 000_f52585dae22cddca.txt 第九条: a recording must not be stopped without cause; when it was,
   * the reason is explained. Two segments of one recorder (or officer) separated by a gap inside
   * the setting's window look like such a stop.
   */
  private previousSegmentGap(serial: string | null, badge: string | null, facts: FileFacts): { after: string; gapSeconds: number } | null {
    if (!this.segmentCandidate(serial, badge, facts)) return null;
    const { min, max } = this.deps.settings.get('ingest.interruptionGapSeconds');
    const prev = this.deps.recordings.segmentBefore(segmentOwner(serial, badge), facts.recordedAt.toISOString());
    if (!prev) return null;
    const gap = (facts.recordedAt.getTime() - new Date(prev.recordedEndAt).getTime()) / 1000;
    return gap >= min && gap <= max ? { after: prev.id, gapSeconds: gap } : null;
  }

  /**
   * Files arrive in any order (two folders, a resumed session): the segment after a newly catalogued
   * one is judged again against it, its nearest predecessor now. A flag that the new segment
   * explains away is lifted, and that is ledgered too.
   */
  private flagNextSegment(actor: string, id: string, serial: string | null, badge: string | null, facts: FileFacts): void {
    if (!this.segmentCandidate(serial, badge, facts)) return;
    const { min, max } = this.deps.settings.get('ingest.interruptionGapSeconds');
    const next = this.deps.recordings.segmentAfter(segmentOwner(serial, badge), facts.recordedAt.toISOString(), id);
    if (!next) return;
    const gap = (new Date(next.recordedAt).getTime() - facts.recordedEndAt.getTime()) / 1000;
    const inWindow = gap >= min && gap <= max;
    if (inWindow) {
      this.deps.recordings.setInterruption(next.id, { after: id, gapSeconds: gap });
      this.deps.ledger.append({ actor, action: 'recording.flagged', subject: `recording:${next.id}`, details: { flag: 'interruption', after: id, gapSeconds: gap, previously: next.interruption } });
    } else if (next.interruption) {
      this.deps.recordings.setInterruption(next.id, null);
      this.deps.ledger.append({ actor, action: 'recording.unflagged', subject: `recording:${next.id}`, details: { flag: 'interruption', reason: 'nearer_segment', after: id, gapSeconds: gap } });
    }
  }

  private segmentCandidate(serial: string | null, badge: string | null, facts: FileFacts): boolean {
    return (serial !== null || badge !== null) && (facts.kind === 'video' || facts.kind === 'audio') && facts.durationSeconds !== null && facts.recordedAtSource !== 'filesystem';
  }
}

function segmentOwner(serial: string | null, badge: string | null): SegmentOwner {
  return serial ? { recorderSerial: serial } : { officerBadge: badge! };
}

function calendarName(c: WorkingDayCalendar): string {
  return c instanceof LazyHolidayCalendar ? c.lastUsed : 'custom';
}
