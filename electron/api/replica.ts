// The replica of the vault on an S3 Object Lock store (electron/core/replica/README.md).
import { z } from 'zod';
import { command, roles } from './command.ts';
import { replicaOf } from '../core/replica/service.ts';

export const replicaHandlers = {
  /** Sets the target store; the WORM self-test runs first. The secret is stored wrapped and never ledgered. */
  'replica.set': command({
    input: z
      .object({
        endpoint: z.string().trim().min(1).max(500),
        bucket: z.string().trim().min(1).max(63),
        region: z.string().trim().min(1).max(64).optional(),
        accessKeyId: z.string().trim().min(1).max(128),
        secret: z.string().min(1).max(1024),
        partSizeMiB: z.number().positive().max(512).optional(),
        bandwidthMiBps: z.number().positive().max(100_000).nullable().optional(),
      })
      .strict(),
    access: roles('admin'),
    mutates: true,
    run: async ({ station, actor }, input) => replicaOf(station).configure(actor.username, input),
  }),
  'replica.selftest': command({
    input: z.object({}).strict(),
    access: roles('admin'),
    mutates: true,
    run: async ({ station, actor }) => replicaOf(station).selfTest(actor.username),
  }),
  /** Queue, counts, what exists only on this PC and why, the last WORM self-test. */
  'replica.status': command({
    input: z.object({}).strict(),
    access: roles('admin', 'auditor', 'custodian', 'clerk'),
    mutates: false,
    run: ({ station }) => replicaOf(station).status(),
  }),
  'replica.items': command({
    input: z.object({}).strict(),
    access: roles('admin', 'auditor', 'custodian'),
    mutates: false,
    run: ({ station }) => replicaOf(station).items(),
  }),
  /** Works through the queue now (an operator asked: the retry backoff is not waited for). */
  'replica.run': command({
    input: z.object({}).strict(),
    access: roles('admin', 'custodian'),
    mutates: true,
    run: async ({ station, actor, signal }) => replicaOf(station).run({ actor: actor.username, ignoreBackoff: true, signal }),
  }),
  /** A clerk who needs a recording safe first moves it to the head of the queue. */
  'replica.prioritize': command({
    input: z.object({ recordingId: z.string().trim().min(1).max(64) }).strict(),
    access: roles('admin', 'custodian', 'clerk'),
    mutates: true,
    run: ({ station, actor }, { recordingId }) => replicaOf(station).prioritize(actor.username, recordingId),
  }),
};
