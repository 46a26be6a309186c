// Ingest now, by path (a mounted volume, or a folder a vendor tool synced), and the record of past
// sessions with every file's outcome. Progress goes to every signed-in client as 'ingest.*' events.
import { citeStationRule, offeredPresets } from '../core/rules/agencyRule.ts';
import { HANDOVER_PRESETS as RULE_HANDOVER_PRESETS } from '../core/calendar/presets.ts';
import { z } from 'zod';
import { sourceForPath } from '../core/devices/source.ts';
import { HANDOVER_PRESETS } from '../core/ingest/handover.ts';
import { assertTimeZone } from '../core/settings.ts';
import { ability, command, roles } from './command.ts';

const readers = ability('read');

const outcome = z.enum(['pending', 'ingested', 'duplicate', 'already_ingested', 'skipped', 'failed', 'aborted']);

const handoverRule = z.union([z.object({ hours: z.number().min(0).max(24 * 365) }).strict(), z.object({ workingDays: z.number().int().min(0).max(365) }).strict()]);

export const ingestHandlers = {
  'ingest.run': command({
    input: z.object({ path: z.string().min(1).max(4096), recorderSerial: z.string().trim().min(1).max(64).optional() }).strict(),
    access: roles('custodian'),
    mutates: true,
    run: async ({ station, runtime, actor, signal }, input) => {
      station.requireUnlocked();
      runtime.wireIngestEvents();
      // Which source a path is, decided where the dock decides it for a docked volume (core/devices/source.ts).
      const source = await sourceForPath(input, { registry: station.ingest.registry, namingRules: () => station.ingest.namingRules.rules() });
      return station.ingest.ingest(source, actor.username, { signal });
    },
  }),
  'ingest.sessions': command({
    input: z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(50), sourceKey: z.string().max(4200).optional() }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, q) => station.ingest.sessions(q),
  }),
  'ingest.session': command({
    input: z.object({ id: z.number().int().min(1), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(100_000).default(1000), outcome: outcome.optional() }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, q) => {
      const svc = station.ingest;
      return { session: svc.summary(q.id), files: svc.files(q.id, q) };
    },
  }),
  'ingest.settings': command({
    input: z.object({}).strict(),
    access: readers,
    mutates: false,
    run: ({ station }) => ({
      handoverDeadline: station.settings.get('handover.deadline'),
      handoverPresets: HANDOVER_PRESETS,
      // Only the figures the agency's rule sets are offered (issue 14 item 1).
      offeredHandoverPresets: (Object.keys(HANDOVER_PRESETS) as (keyof typeof HANDOVER_PRESETS)[]).filter((id) =>
        offeredPresets(station, RULE_HANDOVER_PRESETS).some((p) => p.id === `handover.${id}`),
      ),
      handoverCitation: citeStationRule(station, 'handover'),
      interruptionGapSeconds: station.settings.get('ingest.interruptionGapSeconds'),
      maxConcurrentRecorders: station.settings.get('ingest.maxConcurrentRecorders'),
      timeToleranceSeconds: station.settings.get('time.toleranceSeconds'),
      clockDriftToleranceSeconds: station.settings.get('recorder.clockDriftToleranceSeconds'),
      clearRecorderAfterIngest: station.settings.get('ingest.clearRecorderAfterIngest'),
      syncRecorderClocks: station.settings.get('recorder.syncClocks'),
      timeZone: station.settings.get('agency.timeZone'),
    }),
  }),
  'ingest.setSettings': command({
    input: z
      .object({
        handoverDeadline: handoverRule.optional(),
        interruptionGapSeconds: z
          .object({ min: z.number().min(0).max(86_400), max: z.number().min(0).max(86_400) })
          .strict()
          .refine((g) => g.min <= g.max, { params: { problem: 'gap_order' } })
          .optional(),
        maxConcurrentRecorders: z.number().int().min(1).max(64).optional(),
        timeToleranceSeconds: z.object({ future: z.number().min(0).max(31_536_000), mismatch: z.number().min(0).max(31_536_000) }).strict().optional(),
        clockDriftToleranceSeconds: z.number().min(0).max(31_536_000).optional(),
        clearRecorderAfterIngest: z.boolean().optional(),
        syncRecorderClocks: z.boolean().optional(),
        timeZone: z.string().min(1).max(64).optional(),
      })
      .strict(),
    access: ability('editSettings'),
    mutates: true,
    run: ({ station, actor }, input) => {
      // Checked before the transaction, so a bad zone changes none of the other fields sent with it either.
      const timeZone = input.timeZone === undefined ? undefined : assertTimeZone(input.timeZone);
      station.write(() => {
        const who = actor.username;
        if (input.handoverDeadline) station.settings.set(station.ledger, who, 'handover.deadline', input.handoverDeadline);
        if (input.interruptionGapSeconds) station.settings.set(station.ledger, who, 'ingest.interruptionGapSeconds', input.interruptionGapSeconds);
        if (input.maxConcurrentRecorders !== undefined) station.settings.set(station.ledger, who, 'ingest.maxConcurrentRecorders', input.maxConcurrentRecorders);
        if (input.timeToleranceSeconds) station.settings.set(station.ledger, who, 'time.toleranceSeconds', input.timeToleranceSeconds);
        if (input.clockDriftToleranceSeconds !== undefined) station.settings.set(station.ledger, who, 'recorder.clockDriftToleranceSeconds', input.clockDriftToleranceSeconds);
        if (input.clearRecorderAfterIngest !== undefined) station.settings.set(station.ledger, who, 'ingest.clearRecorderAfterIngest', input.clearRecorderAfterIngest);
        if (input.syncRecorderClocks !== undefined) station.settings.set(station.ledger, who, 'recorder.syncClocks', input.syncRecorderClocks);
        // Future file names and deadlines are read in the new zone; what is already catalogued keeps its times.
        if (timeZone !== undefined) station.settings.set(station.ledger, who, 'agency.timeZone', timeZone);
      });
      return { ok: true };
    },
  }),
};
