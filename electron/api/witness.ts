import { z } from 'zod';
import { recordingIngestSeq } from '../core/witness/client.ts';
import { parsePolicy, verifyTlogProof } from '../core/witness/proof.ts';
import { ability, anyone, command, roles, signedIn } from './command.ts';

// The central witness (core/witness/README.md). Enrolment names the witness the station reports
// to and is an admin's act, ledgered; submitting is something any signed-in session may trigger,
// because it only sends what the station already signed.

export const witnessHandlers = {
  'witness.enrol': command({
    input: z
      .object({
        url: z.string().min(1).max(2000),
        witnessKey: z.string().min(1).max(500),
        trustedNetwork: z.boolean().default(false),
      })
      .strict(),
    access: roles('admin'),
    mutates: true,
    run: ({ station, actor }, input) => station.witness.enrol(actor.username, input),
  }),
  'witness.sync': command({
    input: z.object({}).strict(),
    access: signedIn,
    mutates: true,
    run: ({ station }) => station.witness.sync(),
  }),
  'witness.proof': command({
    input: z.union([z.object({ recording: z.string().min(1).max(100) }).strict(), z.object({ seq: z.number().int().min(1) }).strict()]),
    access: ability('read'),
    mutates: false,
    run: ({ station }, input) => station.witness.entryProof('seq' in input ? input.seq : recordingIngestSeq(station.db, input.recording)),
  }),
  // Checking a proof file needs nothing from this station: anyone, even before setup.
  'witness.verifyProof': command({
    input: z.object({ proof: z.string().max(1 << 20), policy: z.string().max(1 << 16) }).strict(),
    access: anyone,
    mutates: false,
    run: (_ctx, { proof, policy }) => verifyTlogProof(proof, parsePolicy(policy)),
  }),
  'witness.status': command({
    input: z.object({}).strict(),
    access: ability('read'),
    mutates: false,
    run: ({ station }) => station.witness.status(),
  }),
};
export type { WitnessStatus, SyncResult } from '../core/witness/client.ts';
