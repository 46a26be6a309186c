import { z } from 'zod';
import { StationError } from '../core/errors.ts';
import { loadLeaves, verifyLedger, type LedgerVerifyResult } from '../core/ledger/ledger.ts';
import { MerkleTree } from '../core/ledger/merkle.ts';
import { readPackageCheckpoint, verifyAgainst } from '../core/ledger/against.ts';
import { ledgerActions, queryLedgerWork } from '../core/ledger/query.ts';
import { ability, command } from './command.ts';

// Everyone who works with evidence may read the ledger: transparency is the point of it.
const readers = ability('read');
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
        includeSessions: z.boolean().default(false),
      })
      .strict(),
    access: readers,
    mutates: false,
    run: ({ station }, q) => ({ ...queryLedgerWork(station.db, q), size: station.ledger.size }),
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
    run: ({ station, emit }): LedgerVerifyResult => {
      const result = verifyLedger(station.db, station.publicKey(), station.origin, (done, total) => emit('ledger.verify.progress', { done, total }), {
        checkpointEvery: station.ledger.checkpointEvery,
        head: station.ledger.readHeadRecord(),
      });
      // An alarm raised at unlock (or by a package) stands even where the table alone looks whole.
      const alarm = station.ledger.alarm;
      if (result.ok && alarm) return { ok: false, size: result.size, firstBadSeq: alarm.kind === 'rolled_back' ? result.size + 1 : 1, reason: alarm.kind };
      return result;
    },
  }),
  'ledger.consistency': command({
    input: z.object({ oldSize: seq, newSize: seq }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, { oldSize, newSize }) => {
      // From size 0 there is nothing to prove (merkle.ts verifyConsistency refuses it).
      if (oldSize > newSize || newSize > station.ledger.size) {
        throw new StationError('input', 'ledger.range_invalid', { oldSize, newSize, size: station.ledger.size });
      }
      const tree = new MerkleTree(loadLeaves(station.db, newSize), newSize);
      return {
        oldSize,
        newSize,
        oldRoot: tree.root(oldSize).toString('hex'),
        newRoot: tree.root(newSize).toString('hex'),
        proof: tree.consistencyProof(oldSize, newSize).map((b) => b.toString('base64')),
        oldCheckpoint: station.ledger.checkpointAt(oldSize)?.note ?? null,
        newCheckpoint: station.ledger.checkpointAt(newSize)?.note ?? null,
      };
    },
  }),
  'ledger.verifyAgainst': command({
    input: z.object({ path: z.string().min(1).max(4096) }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, { path }) => {
      const note = readPackageCheckpoint(path);
      const result = verifyAgainst(station.db, station.ledger, note, station.publicKey(), station.origin);
      // A package the ledger does not contain is the alarm itself: ledgered by the system.
      if (!result.ok && result.reason !== 'signature_invalid') station.write(() => station.ledger.recordAlarm());
      return result;
    },
  }),
  'ledger.checkpoint': command({
    input: z.object({}).strict(),
    access: ability('checkpoint'),
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
