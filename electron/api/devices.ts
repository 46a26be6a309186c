// Dock, recorder registry, officers and the recorder catalogue. The custodian docks, registers and
// assigns (README.md, Architecture: Roles); admins edit the catalogue of recorder models; everyone who works with
// evidence may read who is who.
import { z } from 'zod';
import { StationError } from '../core/errors.ts';
import { DutyRegister } from '../core/devices/duty.ts';
import { loadCatalogueIfPresent, removeEntry, saveCatalogue, upsertEntry, formatUsbId } from '../core/devices/catalogue.ts';
import { namingRulesView, saveNamingRules } from '../core/ingest/nameRules.ts';
import { ability, command, roles } from './command.ts';
import { dockOf, loadRecorderCatalogue, localCataloguePath } from './dock.ts';

const readers = ability('read');
const custodian = roles('custodian');
const badge = z.string().trim().min(1).max(32);
const serial = z.string().trim().min(1).max(64);
const text = (max: number) => z.string().trim().max(max);
const usbDevice = z
  .object({
    vendorId: z.number().int().min(0).max(0xffff),
    productId: z.number().int().min(0).max(0xffff),
    serialNumber: z.string().max(256).nullable(),
    manufacturer: z.string().max(256).nullable().default(null),
    product: z.string().max(256).nullable().default(null),
    portPath: z.string().max(512).nullable(),
  })
  .strict();

function requireDock(station: Parameters<typeof dockOf>[0]) {
  const dock = dockOf(station);
  if (!dock) throw new StationError('state', 'dock.not_running', {});
  return dock;
}

export const deviceHandlers = {
  // ---- the dock (running in the desktop app or `station watch`)
  'dock.status': command({
    input: z.object({}).strict(),
    access: readers,
    mutates: false,
    run: ({ station }) => {
      const dock = dockOf(station);
      return dock ? { running: true, ...dock.status() } : { running: false, duty: null, volumes: [], activeSessions: 0 };
    },
  }),
  'dock.onDuty': command({
    input: z.object({}).strict(),
    access: custodian,
    mutates: true,
    run: ({ station, actor }) => {
      station.requireUnlocked();
      const dock = requireDock(station);
      dock.setDuty(actor.username);
      return dock.status();
    },
  }),
  'dock.offDuty': command({
    input: z.object({}).strict(),
    access: custodian,
    mutates: true,
    run: ({ station, actor }) => {
      const dock = dockOf(station);
      const duty = new DutyRegister(station).current();
      if (duty && duty.username.toLowerCase() !== actor.username.toLowerCase()) {
        throw new StationError('state', 'dock.not_on_duty', { username: actor.username, duty: duty.username });
      }
      if (dock) {
        dock.setDuty(null);
        return dock.status();
      }
      // The dock runs in another process (a `station watch`): the record is what says who is on duty.
      new DutyRegister(station).release(actor.username, 'off_duty');
      return { duty: null, volumes: [], activeSessions: 0 };
    },
  }),
  'dock.duty': command({
    input: z.object({}).strict(),
    access: readers,
    mutates: false,
    run: ({ station }) => new DutyRegister(station).current(),
  }),
  /** The custodian on duty hands over to another custodian (ledgered: from whom to whom). */
  'dock.handOver': command({
    input: z.object({ to: z.string().trim().min(1).max(64) }).strict(),
    access: custodian,
    mutates: true,
    run: ({ station, actor }, { to }) => {
      station.requireUnlocked();
      const register = new DutyRegister(station);
      register.handOver(actor.username, to);
      const dock = dockOf(station);
      if (dock && dock.duty?.toLowerCase() === actor.username.toLowerCase()) dock.handedOver(register.current()!.username);
      return register.current();
    },
  }),
  'dock.accept': command({
    input: z
      .object({
        mountPoint: z.string().min(1).max(4096),
        serial: serial.optional(),
        vendor: text(100).optional(),
        model: text(100).optional(),
        officerBadge: badge.optional(),
        note: text(500).optional(),
      })
      .strict(),
    access: custodian,
    mutates: true,
    run: ({ station, actor }, input) => {
      station.requireUnlocked();
      return requireDock(station).accept(actor.username, input.mountPoint, input);
    },
  }),
  'dock.retry': command({
    input: z.object({ mountPoint: z.string().min(1).max(4096) }).strict(),
    access: custodian,
    mutates: true,
    run: ({ station, actor }, { mountPoint }) => {
      const volume = requireDock(station).retry(mountPoint);
      // Who restarted a stopped ingest (after freeing space, say) is part of the custody record.
      station.write(() => station.ledger.append({ actor: actor.username, action: 'dock.retry_requested', subject: `volume:${mountPoint}` }));
      return volume;
    },
  }),
  'dock.unlock': command({
    input: z.object({ device: usbDevice, password: z.string().min(1).max(256) }).strict(),
    access: custodian,
    mutates: true,
    run: ({ station, actor }, { device, password }) => requireDock(station).unlock(actor.username, device, password),
  }),

  // ---- registry
  'officer.list': command({
    input: z.object({}).strict(),
    access: readers,
    mutates: false,
    run: ({ station }) => station.ingest.registry.officers(),
  }),
  'officer.add': command({
    input: z.object({ badge, name: text(100).min(1), unitCode: text(64).optional(), unitName: text(200).optional() }).strict(),
    access: custodian,
    mutates: true,
    run: ({ station, actor }, input) => station.ingest.registry.addOfficer(actor.username, input),
  }),
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
    run: ({ station, actor }, input) => {
      const recorder = station.ingest.registry.addRecorder(actor.username, { ...input, registeredVia: 'custodian' });
      // Storage already docked and refused as unknown is judged again now (issue #14 item 13).
      void dockOf(station)?.reevaluate();
      return recorder;
    },
  }),
  'recorder.assign': command({
    input: z.object({ serial, officerBadge: badge.nullable(), applyToRecordings: z.boolean().default(true) }).strict(),
    access: custodian,
    mutates: true,
    run: ({ station, actor }, input) => station.ingest.registry.assignRecorder(actor.username, input.serial, input.officerBadge, { applyToRecordings: input.applyToRecordings }),
  }),

  // ---- the naming rules (file-name layouts per recorder model, issue 15 item 4), edited by admins
  'recorder.namingRules.get': command({
    input: z.object({}).strict(),
    access: readers,
    mutates: false,
    run: ({ station }) => namingRulesView(station),
  }),
  'recorder.namingRules.set': command({
    // The document is validated field by field by namingRules.ts (strict, unknown keys refused),
    // then every example of every rule must hold, or nothing is written.
    input: z.object({ document: z.unknown(), reason: z.string().trim().min(2).max(2000) }).strict(),
    access: roles('admin'),
    mutates: true,
    run: ({ station, actor }, { document, reason }) => saveNamingRules(station, actor.username, document, reason),
  }),

  // ---- the recorder catalogue (USB ids → vendor/model), edited by admins
  'recorderCatalogue.list': command({
    input: z.object({}).strict(),
    access: readers,
    mutates: false,
    run: async ({ station }) => (await loadRecorderCatalogue(station)).entries.map((e) => ({ ...e, vendorId: formatUsbId(e.vendorId), productId: formatUsbId(e.productId) })),
  }),
  'recorderCatalogue.put': command({
    // Validated field by field by catalogue.ts (strict, unknown keys refused).
    input: z.object({ entry: z.record(z.string(), z.unknown()) }).strict(),
    access: roles('admin'),
    mutates: true,
    run: async ({ station, actor }, { entry }) => {
      const path = localCataloguePath(station);
      const next = upsertEntry(await loadCatalogueIfPresent(path), entry);
      await saveCatalogue(path, next);
      const saved = next.entries.find((e) => e.id === entry.id)!;
      station.write(() => station.ledger.append({ actor: actor.username, action: 'recorder_catalogue.saved', subject: `recorder_model:${saved.id}`, details: { entry: { ...saved } } }));
      void dockOf(station)?.reevaluate();
      return saved;
    },
  }),
  'recorderCatalogue.remove': command({
    input: z.object({ id: z.string().min(1).max(64) }).strict(),
    access: roles('admin'),
    mutates: true,
    run: async ({ station, actor }, { id }) => {
      const path = localCataloguePath(station);
      const current = await loadCatalogueIfPresent(path);
      const was = current.entries.find((e) => e.id === id) ?? null;
      await saveCatalogue(path, removeEntry(current, id));
      station.write(() => station.ledger.append({ actor: actor.username, action: 'recorder_catalogue.removed', subject: `recorder_model:${id}`, details: { was } }));
      return { ok: true };
    },
  }),
};
