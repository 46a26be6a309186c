// The recorder registry: the custodian registers and assigns recorders; admins edit the naming rules
// (file-name layouts per recorder model, issue 15 item 4).
import { z } from 'zod';
import { ability, command, roles } from './command.ts';

const readers = ability('read');
const custodian = roles('custodian');
const badge = z.string().trim().min(1).max(32);
const serial = z.string().trim().min(1).max(64);
const text = (max: number) => z.string().trim().max(max);

export const recorderHandlers = {
  'recorder.list': command({
    input: z.object({}).strict(),
    access: readers,
    mutates: false,
    run: ({ station }) => station.ingest.registry.recorders(),
  }),
  'recorder.add': command({
    input: z
      .object({
        serial,
        vendor: text(100).optional(),
        model: text(100).optional(),
        officerBadge: badge.optional(),
        usbVendorId: z.number().int().min(0).max(0xffff).optional(),
        usbProductId: z.number().int().min(0).max(0xffff).optional(),
        usbSerial: z.string().max(256).optional(),
        volumeLabel: text(64).optional(),
        note: text(500).optional(),
      })
      .strict(),
    access: custodian,
    mutates: true,
    run: ({ station, runtime, actor }, input) => {
      const recorder = station.ingest.registry.addRecorder(actor.username, { ...input, registeredVia: 'custodian' });
      // Storage already docked and refused as unknown is judged again now (issue #14 item 13).
      void runtime.dock?.reevaluate();
      return recorder;
    },
  }),
  'recorder.assign': command({
    input: z.object({ serial, officerBadge: badge.nullable(), applyToRecordings: z.boolean().default(true) }).strict(),
    access: custodian,
    mutates: true,
    run: ({ station, actor }, input) => station.ingest.registry.assignRecorder(actor.username, input.serial, input.officerBadge, { applyToRecordings: input.applyToRecordings }),
  }),
  'recorder.namingRules.get': command({
    input: z.object({}).strict(),
    access: readers,
    mutates: false,
    run: ({ station }) => station.ingest.namingRules.view(),
  }),
  'recorder.namingRules.set': command({
    // The document is validated field by field by namingRules.ts (strict, unknown keys refused),
    // then every example of every rule must hold, or nothing is written.
    input: z.object({ document: z.unknown(), reason: z.string().trim().min(2).max(2000) }).strict(),
    access: roles('admin'),
    mutates: true,
    run: ({ station, actor }, { document, reason }) => station.ingest.namingRules.save(actor.username, document, reason),
  }),
};
