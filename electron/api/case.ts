// Case files: create, correct, link recordings as evidence (with the written note of 002 第二十三条),
// unlink with a reason, close (the archive deadline starts) and archive; the case view with its
// recordings, requests and discs; the printable summary; whole-case requests.
import { z } from 'zod';
import { ENFORCEMENT_TYPES, PARTY_KINDS } from '../core/cases/types.ts';
import { ASKABLE_KINDS } from '../shared/requests.ts';
import { ability, command } from './command.ts';

const readers = ability('read');
const caseWriters = ability('caseWrite');
const caseId = z.string().trim().min(1).max(100);
const recordingId = z.string().trim().min(1).max(32);
const isoTime = z.iso.datetime({ offset: true });
export const periodSchema = z.union([z.object({ years: z.number().int().min(1).max(100) }).strict(), z.object({ permanent: z.literal(true) }).strict()]);
const party = z.object({ kind: z.enum(PARTY_KINDS), name: z.string().trim().min(1).max(200), idNumber: z.string().trim().max(64).nullable().optional() }).strict();
const officers = z.array(z.object({ badge: z.string().trim().min(1).max(32), role: z.enum(['lead', 'assist']).optional() }).strict()).max(50);

export const caseHandlers = {
  'case.create': command({
    input: z
      .object({
        caseNumber: z.string().trim().min(1).max(100),
        title: z.string().trim().min(1).max(500),
        enforcementType: z.enum(ENFORCEMENT_TYPES),
        party,
        description: z.string().max(4000).optional(),
        officers: officers.optional(),
        openedAt: isoTime.optional(),
        fileRetention: periodSchema.optional(),
      })
      .strict(),
    access: caseWriters,
    mutates: true,
    run: ({ station, actor }, input) => station.cases.cases.create(actor.username, input),
  }),
  'case.update': command({
    input: z
      .object({
        id: caseId,
        caseNumber: z.string().trim().min(1).max(100).optional(),
        title: z.string().trim().min(1).max(500).optional(),
        enforcementType: z.enum(ENFORCEMENT_TYPES).optional(),
        party: party.optional(),
        description: z.string().max(4000).optional(),
        officers: officers.optional(),
        fileRetention: periodSchema.optional(),
      })
      .strict(),
    access: caseWriters,
    mutates: true,
    run: ({ station, actor }, { id, ...changes }) => station.cases.cases.update(actor.username, id, changes),
  }),
  'case.list': command({
    input: z
      .object({
        state: z.enum(['open', 'closed', 'archived']).optional(),
        enforcementType: z.enum(ENFORCEMENT_TYPES).optional(),
        officer: z.string().max(32).optional(),
        text: z.string().max(200).optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
    access: readers,
    mutates: false,
    run: ({ station }, filter) => station.cases.cases.list(filter),
  }),
  /** The case view: the case, its evidence (recording + link note + retention), unlinked history, requests, discs, holds. */
  'case.show': command({
    input: z.object({ id: caseId }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, { id }) => station.cases.views.view(id),
  }),
  'case.history': command({
    input: z.object({ id: caseId }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, { id }) => station.cases.cases.history(id),
  }),
  /** Printable HTML (print CSS, zh + en labels); the front end opens it in a print window or saves it. */
  'case.summary': command({
    input: z.object({ id: caseId }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, { id }) => {
      const view = station.cases.views.view(id);
      return { caseId: view.case.id, html: station.cases.views.summaryHtml(view) };
    },
  }),
  'case.link': command({
    input: z.object({ id: caseId, recordingIds: z.array(recordingId).min(1).max(10_000), note: z.string().trim().min(2).max(4000) }).strict(),
    access: caseWriters,
    mutates: true,
    run: ({ station, actor }, input) => station.cases.cases.link(actor.username, input.id, input.recordingIds, input.note),
  }),
  'case.unlink': command({
    input: z.object({ id: caseId, recordingId, reason: z.string().trim().min(2).max(4000) }).strict(),
    access: caseWriters,
    mutates: true,
    run: ({ station, actor }, input) => station.cases.cases.unlink(actor.username, input.id, input.recordingId, input.reason),
  }),
  'case.close': command({
    input: z.object({ id: caseId, concludedAt: isoTime.optional(), note: z.string().max(4000).optional() }).strict(),
    access: caseWriters,
    mutates: true,
    run: ({ station, actor }, input) => station.cases.cases.close(actor.username, input.id, input),
  }),
  'case.archive': command({
    input: z.object({ id: caseId, note: z.string().max(4000).default('') }).strict(),
    access: caseWriters,
    mutates: true,
    run: ({ station, actor }, input) => station.cases.cases.archive(actor.username, input.id, input.note),
  }),
  /** A view/copy/burn request over every recording linked to the case now (extensions: retention.requestExtension with caseId). */
  'case.request': command({
    input: z.object({ id: caseId, kind: z.enum(ASKABLE_KINDS), purpose: z.string().trim().min(2).max(1000) }).strict(),
    access: ability('request'),
    mutates: true,
    run: ({ station, actor }, input) => station.cases.cases.createRequest(actor, input.id, input),
  }),
};
