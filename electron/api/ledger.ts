import { z } from 'zod';
import { StationError } from '../core/errors.ts';
import { verifyLedger } from '../core/ledger/ledger.ts';
import { ledgerActions, queryLedger } from '../core/ledger/query.ts';
import { command, roles } from './command.ts';

// Everyone who works with evidence may read the ledger: transparency is the point of it.
const readers = roles('admin', 'auditor', 'custodian', 'approver', 'clerk');
const isoTime = z.iso.datetime({ offset: true });
const seq = z.number().int().min(1);

export const ledgerHandlers = {
  'ledger.list': command({
    input: z
      .object({
        action: z.string().max(100).optional(),
        actor: z.string().max(64).optional(),
        subject: z.string().max(200).optional(),
        from: isoTime.optional(),
        to: isoTime.optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(100),
        order: z.enum(['asc', 'desc']).default('desc'),
      })
      .strict(),
    access: readers,
    mutates: false,
    run: ({ station }, q) => ({ ...queryLedger(station.db, q), size: station.ledger.size }),
  }),
  'ledger.actions': command({
    input: z.object({}).strict(),
    access: readers,
    mutates: false,
    run: ({ station }) => ledgerActions(station.db),
  }),
  'ledger.entry': command({
    input: z.object({ seq }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, { seq: n }) => {
      const entry = station.ledger.entry(n);
      if (!entry) throw new StationError('input', 'ledger.no_such_entry', { seq: n });
      const checkpoint = [station.ledger.latestCheckpoint()].find((c) => c && c.size >= n) ?? null;
      return {
        entry,
        checkpoint,
        proof: checkpoint ? station.ledger.prove(n, checkpoint.size).map((b) => b.toString('hex')) : null,
      };
    },
  }),
  'ledger.verify': command({
    input: z.object({}).strict(),
    access: readers,
    mutates: false,
    run: ({ station, emit }) =>
      verifyLedger(station.db, station.publicKey(), station.origin, (done, total) => emit('ledger.verify.progress', { done, total })),
  }),
  'ledger.checkpoint': command({
    input: z.object({}).strict(),
    access: roles('admin', 'auditor', 'custodian'),
    mutates: true,
    run: ({ station, actor }) =>
      station.write(() => {
        const cp = station.ledger.checkpoint();
        return { ...cp, verifierKey: station.verifierKey(), requestedBy: actor.username };
      }),
  }),
  'ledger.prove': command({
    input: z.object({ seqs: z.array(seq).min(1).max(10_000) }).strict(),
    access: readers,
    mutates: true,
    run: ({ station }, { seqs }) =>
      station.write(() => station.ledger.proofBundle(seqs, station.verifierKey())),
  }),
};
