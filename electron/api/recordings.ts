// The recordings catalogue (000_f52585dae22cddca.txt 第十条): list with filters, one recording with
// every field, where each time came from and its ledger history; the custodian's explanations and
// assignments. Listing the catalogue is not viewing footage (that needs an approval, requests.ts).
import { z } from 'zod';
import { ability, command, roles } from './command.ts';
import { MEDIA_KINDS } from '../shared/recordings.ts';

const readers = ability('read');
const isoTime = z.iso.datetime({ offset: true });
const recordingId = z.string().trim().min(1).max(32);

export const recordingHandlers = {
  'recording.list': command({
    input: z
      .object({
        officer: z.string().max(32).optional(),
        recorder: z.string().max(64).optional(),
        from: isoTime.optional(),
        to: isoTime.optional(),
        storedFrom: isoTime.optional(),
        storedTo: isoTime.optional(),
        late: z.boolean().optional(),
        important: z.boolean().optional(),
        interruption: z.boolean().optional(),
        kind: z.enum(MEDIA_KINDS).optional(),
        needsExplanation: z.boolean().optional(),
        unparseable: z.boolean().optional(),
        deadlineUnknown: z.boolean().optional(),
        doubtfulTime: z.boolean().optional(),
        sessionId: z.number().int().min(1).optional(),
        caseId: z.string().max(64).optional(),
        text: z.string().max(200).optional(),
        // Search (issue 14 item 15): part of a 案号 as typed, and who ingested (core/ingest/search.ts).
        caseNumber: z.string().max(100).optional(),
        custodian: z.string().max(64).optional(),
        includeDuplicates: z.boolean().optional(),
        explained: z.enum(['late_handover', 'interruption']).optional(),
        destroyed: z.boolean().optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(100),
        order: z.enum(['asc', 'desc']).default('desc'),
      })
      .strict(),
    access: readers,
    mutates: false,
    run: ({ station }, filter) => station.ingest.catalogue.list(filter),
  }),
  'recording.get': command({
    input: z.object({ id: recordingId }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, { id }) => station.ingest.catalogue.detail(id),
  }),
  'recording.explain': command({
    input: z.object({ id: recordingId, kind: z.enum(['late_handover', 'interruption', 'time_mismatch']).optional(), text: z.string().trim().min(1).max(4000) }).strict(),
    access: roles('custodian'),
    mutates: true,
    run: ({ station, actor }, input) => station.ingest.catalogue.explain(actor.username, input.id, input.kind ?? null, input.text),
  }),
  'recording.assignOfficer': command({
    input: z.object({ ids: z.array(recordingId).min(1).max(10_000), officerBadge: z.string().trim().min(1).max(32) }).strict(),
    access: roles('custodian'),
    mutates: true,
    run: ({ station, actor }, input) => station.ingest.catalogue.assignOfficer(actor.username, input.ids, input.officerBadge),
  }),
  'recording.assignRecorder': command({
    input: z.object({ ids: z.array(recordingId).min(1).max(10_000), serial: z.string().trim().min(1).max(64) }).strict(),
    access: roles('custodian'),
    mutates: true,
    run: ({ station, actor }, input) => station.ingest.catalogue.assignRecorder(actor.username, input.ids, input.serial),
  }),
};
