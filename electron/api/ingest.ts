// Ingest now, by path (a mounted volume, or a folder a vendor tool synced), and the record of past
// sessions with every file's outcome. Progress goes to every signed-in client as 'ingest.*' events.
import { citeStationRule, offeredPresets } from '../core/rules/agencyRule.ts';
import { HANDOVER_PRESETS as RULE_HANDOVER_PRESETS } from '../core/calendar/presets.ts';
import { realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { StationError, fromSystemError } from '../core/errors.ts';
import { type IngestSourceSpec } from '../core/ingest/service.ts';
import { serialsFromNames } from '../core/devices/identify.ts';
import { volumeUuid } from '../core/devices/volumeIdentity.ts';
import { HANDOVER_PRESETS } from '../core/ingest/handover.ts';
import { assertTimeZone } from '../core/settings.ts';
import type { Station } from '../core/station.ts';
import { command, roles } from './command.ts';

const readers = roles('admin', 'auditor', 'custodian', 'approver', 'clerk');

/**
 * The source a custodian named. A mount point whose file names carry one registered recorder's
 * 产品序号 gets that recorder's source key, so ingesting it by path and docking it resume each other.
 */
async function sourceForPath(station: Station, path: string, recorderSerial: string | undefined): Promise<IngestSourceSpec> {
  let root: string;
  try {
    root = await realpath(resolve(path));
  } catch (e) {
    throw fromSystemError(e, path);
  }
  const st = await stat(root).catch((e: unknown) => {
    throw fromSystemError(e, path);
  });
  if (!st.isDirectory()) throw new StationError('input', 'ingest.not_a_directory', { path });
  const parent = dirname(root);
  const isMount = parent === root || (await stat(parent)).dev !== st.dev;
  const registry = station.ingest.registry;
  const base = { root, device: null, fsType: null, label: null, vendorInfo: null };
  if (recorderSerial) {
    const r = registry.requireRecorder(recorderSerial);
    return { ...base, kind: isMount ? 'volume' : 'folder', sourceKey: `recorder:${r.serial}`, recorder: { serial: r.serial, via: 'custodian' } };
  }
  if (isMount) {
    const serials = await serialsFromNames(root, station.ingest.namingRules.rules());
    if (serials.length === 1 && registry.recorder(serials[0]!)) {
      return { ...base, kind: 'volume', sourceKey: `recorder:${serials[0]}`, recorder: { serial: serials[0]!, via: 'name' } };
    }
    // An unregistered recorder is known by its file system's UUID, so docking it at another mount point
    // resumes the same source instead of cataloguing it again; the path only where no UUID can be read.
    const uuid = await volumeUuid(root);
    return { ...base, kind: 'volume', sourceKey: uuid ? `volume-uuid:${uuid}` : `volume:${root}`, recorder: null };
  }
  return { ...base, kind: 'folder', sourceKey: `folder:${root}`, recorder: null };
}

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
      const source = await sourceForPath(station, input.path, input.recorderSerial);
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
    access: roles('admin'),
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
