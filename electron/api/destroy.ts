// Destruction batches: proposed by a custodian, decided by an approver, executed (crypto-shred), and
// their signed certificate.
import { z } from 'zod';
import { ability, command } from './command.ts';

const readers = ability('read');
const recordingId = z.string().trim().min(1).max(32);
const batchId = z.string().trim().min(1).max(32);
const password = z.string().min(1).max(1024);

export const destroyHandlers = {
  'destroy.list': command({
    input: z.object({ state: z.enum(['proposed', 'approved', 'denied', 'cancelled', 'executing', 'executed']).optional() }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, q) => station.cases.destruction.list(q),
  }),
  'destroy.show': command({
    input: z.object({ id: batchId }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, { id }) => station.cases.destruction.get(id),
  }),
  'destroy.propose': command({
    input: z
      .object({ recordingIds: z.array(recordingId).min(1).max(100_000).optional(), allDue: z.boolean().default(false), reason: z.string().trim().min(2).max(2000) })
      .strict()
      .refine((v) => v.allDue !== (v.recordingIds !== undefined), { path: ['recordingIds'], message: 'either recordingIds or allDue', params: { problem: 'ids_or_all_due' } }),
    access: ability('propose'),
    mutates: true,
    run: ({ station, actor }, input) => station.cases.destruction.propose(actor.username, input),
  }),
  'destroy.approve': command({
    input: z.object({ id: batchId, password, note: z.string().max(2000).default('') }).strict(),
    access: ability('decide'),
    mutates: true,
    run: ({ station, actor }, input) => station.cases.destruction.decide(actor.username, input.id, 'approved', input.password, input.note),
  }),
  'destroy.deny': command({
    input: z.object({ id: batchId, password, reason: z.string().trim().min(2).max(2000) }).strict(),
    access: ability('decide'),
    mutates: true,
    run: ({ station, actor }, input) => station.cases.destruction.decide(actor.username, input.id, 'denied', input.password, input.reason),
  }),
  'destroy.cancel': command({
    input: z.object({ id: batchId, reason: z.string().trim().min(2).max(2000) }).strict(),
    access: ability('cancel'),
    mutates: true,
    run: ({ station, actor }, input) => station.cases.destruction.cancel(actor, input.id, input.reason),
  }),
  /** Crypto-shreds and deletes; emits 'destroy.progress' { batchId, done, total } to the caller. */
  'destroy.execute': command({
    input: z.object({ id: batchId }).strict(),
    access: ability('execute'),
    mutates: true,
    run: ({ station, actor, emit }, { id }) => station.cases.destruction.execute(actor.username, id, (p) => emit('destroy.progress', { batchId: id, ...p })),
  }),
  /** The signed certificate: canonical JSON, the signed note, the verifier key, and printable HTML. */
  'destroy.certificate': command({
    input: z.object({ id: batchId }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, { id }) => station.cases.destruction.certificate(id),
  }),
};
