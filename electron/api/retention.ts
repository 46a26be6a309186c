// Retention (how long, and why), legal holds, categories, 长期保存 extensions through approved
// 'extend' requests, destruction batches with their signed certificate, the working-day calendar
// (admin-editable, each edit ledgered) and the agency's deadline and retention settings.
import { offeredPresets } from '../core/rules/agencyRule.ts';
import { z } from 'zod';
import { StationError } from '../core/errors.ts';
import { CASE_FILE_RETENTION_PRESETS } from '../core/cases/period.ts';
import { CASE_ARCHIVE_PRESETS, RETENTION_PRESETS } from '../core/calendar/presets.ts';
import { getCalendarYear } from '../core/calendar/calendarData.ts';
import { assertLocalDate } from '../core/calendar/localDate.ts';
import { normalizeRecordingId } from '../core/ingest/catalogue.ts';
import { ENFORCEMENT_TYPES } from '../core/cases/types.ts';
import { ability, command, roles, signedIn } from './command.ts';
import { periodSchema } from './cases.ts';

const readers = ability('read');
// Not the auditor: they read everything and change nothing.
const requesters = ability('request');
const recordingId = z.string().trim().min(1).max(32);
const batchId = z.string().trim().min(1).max(32);
const password = z.string().min(1).max(1024);
const localDate = z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/);
const caseDeadline = z.union([
  z.object({ workingDays: z.number().int().min(0).max(365) }).strict(),
  z.object({ calendarDays: z.number().int().min(0).max(3650), extendPastDaysOff: z.boolean().optional() }).strict(),
]);
const deadlineSpec = z.union([caseDeadline, z.object({ hours: z.number().int().min(0).max(24 * 3650) }).strict()]);

export const retentionHandlers = {
  // ---------------------------------------------------------------------------------------------
  // Retention of recordings

  /** Each recording's retention-until date and why: every applicable rule, the one that decided, any protection. */
  'retention.status': command({
    input: z.object({ recordingIds: z.array(recordingId).min(1).max(10_000) }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, { recordingIds }) => {
      const ids = recordingIds.map((r) => normalizeRecordingId(r));
      const out = station.cases.retention.statusOf(ids);
      const found = new Set(out.map((s) => s.recordingId));
      const missing = ids.find((id) => !found.has(id));
      if (missing) throw new StationError('input', 'recording.not_found', { recordingId: missing });
      return out;
    },
  }),
  /** Recordings past their date, unprotected, in no batch yet: what a custodian may propose. */
  'retention.due': command({
    input: z.object({ limit: z.number().int().min(1).max(100_000).default(1000) }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, { limit }) => station.cases.retention.due({ limit }),
  }),
  'retention.holds': command({
    input: z.object({ active: z.boolean().default(true), target: z.string().max(100).optional() }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, q) => station.cases.retention.holds(q),
  }),
  'retention.hold': command({
    input: z.object({ scope: z.enum(['recording', 'case']), target: z.string().trim().min(1).max(100), reason: z.string().trim().min(2).max(2000) }).strict(),
    access: ability('hold'),
    mutates: true,
    run: ({ station, actor }, input) => {
      const { cases, retention } = station.cases;
      const target = input.scope === 'recording' ? normalizeRecordingId(input.target) : cases.resolveId(input.target);
      return retention.placeHold(actor.username, { ...input, target });
    },
  }),
  /** Lifting a hold exposes footage to destruction again: an approver's decision, password re-entered. */
  'retention.release': command({
    input: z.object({ holdId: z.string().trim().min(1).max(32), reason: z.string().trim().min(2).max(2000), password }).strict(),
    access: ability('release'),
    mutates: true,
    run: async ({ station, actor }, input) => {
      await station.users.authenticate(actor.username, input.password, 'confirm');
      return station.cases.retention.releaseHold(actor.username, input.holdId, input.reason);
    },
  }),
  'retention.categories': command({
    input: z.object({}).strict(),
    access: readers,
    mutates: false,
    run: ({ station }) => station.cases.retention.categories(),
  }),
  'retention.setCategory': command({
    input: z
      .object({ code: z.string().trim().min(1).max(32), nameZh: z.string().trim().min(1).max(100), nameEn: z.string().trim().min(1).max(100), period: periodSchema, citation: z.string().max(500).optional() })
      .strict(),
    access: ability('editSettings'),
    mutates: true,
    run: ({ station, actor }, input) => station.cases.retention.putCategory(actor.username, input),
  }),
  'retention.assignCategory': command({
    input: z.object({ recordingIds: z.array(recordingId).min(1).max(10_000), category: z.string().trim().min(1).max(32).nullable(), note: z.string().max(1000).default('') }).strict(),
    access: roles('custodian'),
    mutates: true,
    run: ({ station, actor }, input) =>
      station.cases.retention.assignCategory(
        actor.username,
        input.recordingIds.map((r) => normalizeRecordingId(r)),
        input.category,
        input.note,
      ),
  }),
  /** 长期保存: creates an 'extend' request with its terms; an approver decides it like any request. */
  'retention.requestExtension': command({
    input: z
      .object({
        recordingIds: z.array(recordingId).min(1).max(10_000).optional(),
        caseId: z.string().trim().min(1).max(100).optional(),
        until: z.union([localDate, z.literal('permanent')]),
        purpose: z.string().trim().min(2).max(1000),
      })
      .strict(),
    access: requesters,
    mutates: true,
    run: ({ station, actor }, input) => {
      const { cases, retention } = station.cases;
      const caseId = input.caseId ? cases.resolveId(input.caseId) : null;
      const ids = input.recordingIds?.map((r) => normalizeRecordingId(r)) ?? (caseId ? cases.recordingIdsOf(caseId) : []);
      return retention.requestExtension(actor, { recordingIds: ids, until: input.until === 'permanent' ? 'permanent' : assertLocalDate(input.until), purpose: input.purpose, caseId });
    },
  }),
  'retention.extension': command({
    input: z.object({ requestId: z.string().trim().min(1).max(32) }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, { requestId }) => ({ request: station.requests.get(requestId), terms: station.cases.retention.extensionsOf(requestId) }),
  }),
  /** After approval: the extension takes effect and the approval is marked used. */
  'retention.applyExtension': command({
    input: z.object({ requestId: z.string().trim().min(1).max(32) }).strict(),
    access: requesters,
    mutates: true,
    run: ({ station, actor }, { requestId }) => station.cases.retention.applyExtension(actor, requestId),
  }),
  'retention.settings': command({
    input: z.object({}).strict(),
    access: readers,
    mutates: false,
    run: ({ station }) => ({
      retentionDefault: station.settings.get('retention.default'),
      caseFileRetention: station.settings.get('cases.fileRetention'),
      archiveDeadline: station.settings.get('cases.archiveDeadline'),
      timeZone: station.settings.get('agency.timeZone'),
      presets: { retention: offeredPresets(station, RETENTION_PRESETS), caseArchive: offeredPresets(station, CASE_ARCHIVE_PRESETS), caseFileRetention: CASE_FILE_RETENTION_PRESETS },
    }),
  }),
  'retention.setSettings': command({
    input: z
      .object({
        retentionDefault: z.object({ years: z.number().int().min(1).max(100) }).strict().optional(),
        caseFileRetention: periodSchema.optional(),
        archiveDeadline: z.object({ default: caseDeadline, byType: z.partialRecord(z.enum(ENFORCEMENT_TYPES), caseDeadline).default({}) }).strict().optional(),
      })
      .strict(),
    access: roles('admin'),
    mutates: true,
    run: ({ station, actor }, input) => {
      station.write(() => {
        const who = actor.username;
        if (input.retentionDefault) station.settings.set(station.ledger, who, 'retention.default', input.retentionDefault);
        if (input.caseFileRetention) station.settings.set(station.ledger, who, 'cases.fileRetention', input.caseFileRetention);
        if (input.archiveDeadline) station.settings.set(station.ledger, who, 'cases.archiveDeadline', input.archiveDeadline);
      });
      return { ok: true };
    },
  }),

  // ---------------------------------------------------------------------------------------------
  // Destruction

  'destroy.list': command({
    input: z.object({ state: z.enum(['proposed', 'approved', 'denied', 'cancelled', 'executing', 'executed']).optional() }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, q) => station.cases.destruction.list(q),
  }),
  'destroy.show': command({
    input: z.object({ id: batchId }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, { id }) => station.cases.destruction.get(id),
  }),
  'destroy.propose': command({
    input: z
      .object({ recordingIds: z.array(recordingId).min(1).max(100_000).optional(), allDue: z.boolean().default(false), reason: z.string().trim().min(2).max(2000) })
      .strict()
      .refine((v) => v.allDue !== (v.recordingIds !== undefined), { path: ['recordingIds'], message: 'either recordingIds or allDue', params: { problem: 'ids_or_all_due' } }),
    access: ability('propose'),
    mutates: true,
    run: ({ station, actor }, input) => station.cases.destruction.propose(actor.username, input),
  }),
  'destroy.approve': command({
    input: z.object({ id: batchId, password, note: z.string().max(2000).default('') }).strict(),
    access: ability('decide'),
    mutates: true,
    run: ({ station, actor }, input) => station.cases.destruction.decide(actor.username, input.id, 'approved', input.password, input.note),
  }),
  'destroy.deny': command({
    input: z.object({ id: batchId, password, reason: z.string().trim().min(2).max(2000) }).strict(),
    access: ability('decide'),
    mutates: true,
    run: ({ station, actor }, input) => station.cases.destruction.decide(actor.username, input.id, 'denied', input.password, input.reason),
  }),
  'destroy.cancel': command({
    input: z.object({ id: batchId, reason: z.string().trim().min(2).max(2000) }).strict(),
    access: ability('cancel'),
    mutates: true,
    run: ({ station, actor }, input) => station.cases.destruction.cancel(actor, input.id, input.reason),
  }),
  /** Crypto-shreds and deletes; emits 'destroy.progress' { batchId, done, total } to the caller. */
  'destroy.execute': command({
    input: z.object({ id: batchId }).strict(),
    access: ability('execute'),
    mutates: true,
    run: ({ station, actor, emit }, { id }) => station.cases.destruction.execute(actor.username, id, (p) => emit('destroy.progress', { batchId: id, ...p })),
  }),
  /** The signed certificate: canonical JSON, the signed note, the verifier key, and printable HTML. */
  'destroy.certificate': command({
    input: z.object({ id: batchId }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, { id }) => station.cases.destruction.certificate(id),
  }),

  // ---------------------------------------------------------------------------------------------
  // Working-day calendar

  'calendar.show': command({
    input: z.object({ year: z.number().int().min(1000).max(9999).optional() }).strict(),
    access: signedIn,
    mutates: false,
    run: ({ station }, { year }) => {
      const cal = station.calendar.current();
      const years = cal.coveredYears().map((y) => ({ year: y, origin: station.calendar.yearOrigin(y) }));
      if (year === undefined) return { years, year: null, edits: station.calendar.edits() };
      const data = getCalendarYear(cal.data, year);
      if (!data) throw new StationError('input', 'calendar.year_not_covered', { year });
      return { years, year: { ...data, origin: station.calendar.yearOrigin(year) }, edits: station.calendar.edits().filter((e) => e.year === year) };
    },
  }),
  /** Adds or replaces a year whole (validated like the shipped files), or withdraws one; ledgered with before and after. */
  'calendar.edit': command({
    input: z.union([
      z.object({ kind: z.literal('put_year'), year: z.record(z.string(), z.unknown()), reason: z.string().trim().min(2).max(2000) }).strict(),
      z.object({ kind: z.literal('remove_year'), year: z.number().int().min(1000).max(9999), reason: z.string().trim().min(2).max(2000) }).strict(),
    ]),
    access: ability('editSettings'),
    mutates: true,
    run: ({ station, actor }, input) => {
      const edit = input.kind === 'put_year' ? { kind: 'put_year' as const, year: input.year as never } : { kind: 'remove_year' as const, year: input.year };
      const { record, deadlinesJudged } = station.calendar.edit(actor.username, edit, input.reason);
      return { ...record, deadlinesJudged };
    },
  }),
  'calendar.day': command({
    input: z.object({ date: localDate }).strict(),
    access: signedIn,
    mutates: false,
    run: ({ station }, { date }) => station.calendar.current().dayInfo(assertLocalDate(date)),
  }),
  /** A deadline on the station's calendar; a year it does not cover is the error calendar.year_not_covered, never a guess. */
  'calendar.deadline': command({
    input: z.object({ from: z.iso.datetime({ offset: true }), spec: deadlineSpec }).strict(),
    access: signedIn,
    mutates: false,
    run: ({ station }, { from, spec }) => ({ deadline: station.calendar.current().deadlineAfter(new Date(from), spec, station.settings.get('agency.timeZone')).toISOString() }),
  }),
};
