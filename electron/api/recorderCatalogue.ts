// The recorder catalogue (USB ids → vendor/model), edited by admins.
import { z } from 'zod';
import { formatUsbId } from '../core/devices/catalogue.ts';
import { ability, command, roles } from './command.ts';

const readers = ability('read');

export const recorderCatalogueHandlers = {
  'recorderCatalogue.list': command({
    input: z.object({}).strict(),
    access: readers,
    mutates: false,
    run: async ({ station }) => (await station.recorderCatalogue.load()).entries.map((e) => ({ ...e, vendorId: formatUsbId(e.vendorId), productId: formatUsbId(e.productId) })),
  }),
  'recorderCatalogue.put': command({
    // Validated field by field by catalogue.ts (strict, unknown keys refused).
    input: z.object({ entry: z.record(z.string(), z.unknown()) }).strict(),
    access: roles('admin'),
    mutates: true,
    run: async ({ station, runtime, actor }, { entry }) => {
      const saved = await station.recorderCatalogue.put(actor.username, entry);
      void runtime.dock?.reevaluate();
      return saved;
    },
  }),
  'recorderCatalogue.remove': command({
    input: z.object({ id: z.string().min(1).max(64) }).strict(),
    access: roles('admin'),
    mutates: true,
    run: ({ station, actor }, { id }) => station.recorderCatalogue.remove(actor.username, id),
  }),
};
