// The recordings catalogue (000_f52585dae22cddca.txt 第十条): list with filters, one recording with
// every field, where each time came from and its ledger history; the custodian's explanations and
// assignments. Listing the catalogue is not viewing footage (that needs an approval, request.ts).
// Also the custodian's classification of a recording, and searching with dates as the agency's days as
// people type them (2026-12-07) as well as ISO times (issue 14 item 15), used by `station recordings search`;
// the UI pages through recording.list with the same filters.
import { z } from 'zod';
import { CLASSIFICATIONS } from '../shared/requests.ts';
import { MEDIA_KINDS } from '../shared/recordings.ts';
import { localTimeToUtc } from '../core/media/localTime.ts';
import { StationError } from '../core/errors.ts';
import { ability, command, roles } from './command.ts';

const readers = ability('read');
const isoTime = z.iso.datetime({ offset: true });
const recordingId = z.string().trim().min(1).max(32);
const id = z.string().trim().min(1).max(100);

// recording.search extends recording.list's input, which an object literal cannot refer to inside itself.
const catalogueHandlers = {
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
        // Search (issue 14 item 15): part of a 案号 as typed, and who ingested (core/recordings/search.ts).
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
    run: ({ station }, filter) => station.recordings.list(filter),
  }),
  'recording.get': command({
    input: z.object({ id: recordingId }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, { id }) => station.recordings.detail(id),
  }),
  'recording.explain': command({
    input: z.object({ id: recordingId, kind: z.enum(['late_handover', 'interruption', 'time_mismatch']).optional(), text: z.string().trim().min(1).max(4000) }).strict(),
    access: roles('custodian'),
    mutates: true,
    run: ({ station, actor }, input) => station.recordings.explain(actor.username, input.id, input.kind ?? null, input.text),
  }),
  'recording.assignOfficer': command({
    input: z.object({ ids: z.array(recordingId).min(1).max(10_000), officerBadge: z.string().trim().min(1).max(32) }).strict(),
    access: roles('custodian'),
    mutates: true,
    run: ({ station, actor }, input) => station.recordings.assignOfficer(actor.username, input.ids, input.officerBadge),
  }),
  'recording.assignRecorder': command({
    input: z.object({ ids: z.array(recordingId).min(1).max(10_000), serial: z.string().trim().min(1).max(64) }).strict(),
    access: roles('custodian'),
    mutates: true,
    run: ({ station, actor }, input) => station.recordings.assignRecorder(actor.username, input.ids, input.serial),
  }),
  'recording.classify': command({
    input: z.object({ recordingId: id, classification: z.enum(CLASSIFICATIONS).nullable(), note: z.string().max(1000).default('') }).strict(),
    access: roles('custodian'),
    mutates: true,
    run: ({ station, actor }, input) => {
      station.requests.classify(actor.username, input.recordingId, input.classification, input.note);
      return { recordingId: input.recordingId, classification: input.classification };
    },
  }),
};

const dayOrTime = z.string().trim().min(1).max(40);

/** A day's start in the agency's time zone, or the ISO time as given; `end` gives the next day's start for an inclusive last day. */
export function agencyTime(value: string, timeZone: string, end: boolean): string {
  const day = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  if (day) {
    const local = { year: Number(day[1]), month: Number(day[2]), day: Number(day[3]), hour: 0, minute: 0, second: 0 };
    let at: Date;
    try {
      at = localTimeToUtc(local, timeZone);
    } catch {
      throw new StationError('input', 'search.bad_date', { value });
    }
    return new Date(at.getTime() + (end ? 86_400_000 : 0)).toISOString();
  }
  if (!z.iso.datetime({ offset: true }).safeParse(value).success) throw new StationError('input', 'search.bad_date', { value });
  return new Date(value).toISOString();
}

export const recordingHandlers = {
  ...catalogueHandlers,
  'recording.search': command({
    input: catalogueHandlers['recording.list'].input.omit({ from: true, to: true, storedFrom: true, storedTo: true }).extend({
      from: dayOrTime.optional(),
      to: dayOrTime.optional(),
      storedFrom: dayOrTime.optional(),
      storedTo: dayOrTime.optional(),
    }),
    access: ability('read'),
    mutates: false,
    run: ({ station }, f) => {
      const tz = station.settings.get('agency.timeZone');
      const { from, to, storedFrom, storedTo, ...rest } = f;
      return station.recordings.list({
        ...rest,
        ...(from ? { from: agencyTime(from, tz, false) } : {}),
        ...(to ? { to: agencyTime(to, tz, true) } : {}),
        ...(storedFrom ? { storedFrom: agencyTime(storedFrom, tz, false) } : {}),
        ...(storedTo ? { storedTo: agencyTime(storedTo, tz, true) } : {}),
      });
    },
  }),
};
