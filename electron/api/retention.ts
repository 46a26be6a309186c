// Retention (how long, and why), legal holds, categories, 长期保存 extensions through approved
// 'extend' requests, and the agency's deadline and retention settings.
import { offeredPresets } from '../core/rules/agencyRule.ts';
import { z } from 'zod';
import { StationError } from '../core/errors.ts';
import { CASE_FILE_RETENTION_PRESETS } from '../core/cases/period.ts';
import { CASE_ARCHIVE_PRESETS, RETENTION_PRESETS } from '../core/calendar/presets.ts';
import { assertLocalDate } from '../core/calendar/localDate.ts';
import { normalizeRecordingId } from '../core/recordings/catalogue.ts';
import { ENFORCEMENT_TYPES } from '../core/cases/types.ts';
import { ability, command, roles } from './command.ts';
import { periodSchema } from './case.ts';

const readers = ability('read');
// Not the auditor: they read everything and change nothing.
const requesters = ability('request');
const recordingId = z.string().trim().min(1).max(32);
const password = z.string().min(1).max(1024);
const localDate = z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/);
const caseDeadline = z.union([
  z.object({ workingDays: z.number().int().min(0).max(365) }).strict(),
  z.object({ calendarDays: z.number().int().min(0).max(3650), extendPastDaysOff: z.boolean().optional() }).strict(),
]);

export const retentionHandlers = {
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
};
