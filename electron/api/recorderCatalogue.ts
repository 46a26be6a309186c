// The recorder catalogue (USB ids → vendor/model), edited by admins.
import { z } from 'zod';
import { loadCatalogueIfPresent, removeEntry, saveCatalogue, upsertEntry, formatUsbId } from '../core/devices/catalogue.ts';
import { command, roles } from './command.ts';
import { dockOf, loadRecorderCatalogue, localCataloguePath } from './runtime/dock.ts';

const readers = roles('admin', 'auditor', 'custodian', 'approver', 'clerk');

export const recorderCatalogueHandlers = {
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
