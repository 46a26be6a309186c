// Officers (who wears which recorder): registered by the custodian, read by everyone who works with evidence.
import { z } from 'zod';
import { ability, command, roles } from './command.ts';

const readers = ability('read');
const custodian = roles('custodian');
const badge = z.string().trim().min(1).max(32);
const text = (max: number) => z.string().trim().max(max);

export const officerHandlers = {
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
};
