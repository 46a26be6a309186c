// The replica of the vault on an S3 Object Lock store (electron/core/replica/README.md).
import { z } from 'zod';
import { anyone, command, roles } from './command.ts';
import { parseWindow } from '../core/replica/pacing.ts';

/** Where the store is and the credentials it takes: the same for configuring it and restoring from it. */
const storeAccess = z.object({
  endpoint: z.string().trim().min(1).max(500),
  bucket: z.string().trim().min(1).max(63),
  region: z.string().trim().min(1).max(64).optional(),
  accessKeyId: z.string().trim().min(1).max(128),
  secret: z.string().min(1).max(1024),
});

export const replicaHandlers = {
  /** Sets the target store; the WORM self-test runs first. The secret is stored wrapped and never ledgered. */
  'replica.set': command({
    input: storeAccess
      .extend({
        partSizeMiB: z.number().positive().max(512).optional(),
        bandwidthMiBps: z.number().positive().max(100_000).nullable().optional(),
      })
      .strict(),
    access: roles('admin'),
    mutates: true,
    run: async ({ station, actor }, input) => station.replica.configure(actor.username, input),
  }),
  'replica.selftest': command({
    input: z.object({}).strict(),
    access: roles('admin'),
    mutates: true,
    run: async ({ station, actor }) => station.replica.selfTest(actor.username),
  }),
  /** Queue, counts, what exists only on this PC and why, the last WORM self-test. */
  'replica.status': command({
    input: z.object({}).strict(),
    access: roles('admin', 'auditor', 'custodian', 'clerk'),
    mutates: false,
    run: ({ station }) => station.replica.status(),
  }),
  'replica.items': command({
    input: z.object({}).strict(),
    access: roles('admin', 'auditor', 'custodian'),
    mutates: false,
    run: ({ station }) => station.replica.items(),
  }),
  /**
   * Works through the queue now (an operator asked: the retry backoff is not waited for). The
   * off-peak window holds unless `now` overrides it; an ingest session always comes first.
   */
  'replica.run': command({
    input: z.object({ now: z.boolean().optional() }).strict(),
    access: roles('admin', 'custodian'),
    mutates: true,
    run: async ({ station, actor, signal }, { now }) => station.replica.run({ actor: actor.username, ignoreBackoff: true, ignoreWindow: now === true, signal }),
  }),
  /** Parts in flight, bandwidth cap, off-peak window, and whether recorders wait for the replica before they are cleared. */
  'replica.options': command({
    input: z
      .object({
        parallelParts: z.number().int().min(1).max(64).optional(),
        bandwidthMiBps: z.number().positive().max(100_000).nullable().optional(),
        /** "22:00-06:00" in the agency's time zone, or "off" for any time. */
        window: z.string().trim().min(1).max(20).optional(),
        clearAfterReplication: z.boolean().optional(),
      })
      .strict(),
    access: roles('admin'),
    mutates: true,
    run: ({ station, actor }, { window, ...rest }) => station.replica.setOptions(actor.username, { ...rest, ...(window !== undefined ? { window: parseWindow(window) } : {}) }),
  }),
  /** HEADs every stored copy, reads its lock back, samples whole copies; problems are re-queued and ledgered. */
  'replica.audit': command({
    input: z.object({ sample: z.number().int().min(0).max(10_000).optional() }).strict(),
    access: roles('admin', 'custodian'),
    mutates: true,
    run: async ({ station, actor }, { sample }) => station.replica.audit(actor.username, sample === undefined ? {} : { sample }),
  }),
  /** A clerk who needs a recording safe first moves it to the head of the queue. */
  'replica.prioritize': command({
    input: z.object({ recordingId: z.string().trim().min(1).max(64) }).strict(),
    access: roles('admin', 'custodian', 'clerk'),
    mutates: true,
    run: ({ station, actor }, { recordingId }) => station.replica.prioritize(actor.username, recordingId),
  }),
  /**
   * Rebuilds a lost station from its replica into this (empty) data folder, before any station
   * exists here: public like station.init. Everything is verified before it is put in place.
   */
  'replica.restore': command({
    input: storeAccess
      .extend({
        passphrase: z.string().min(1).max(1024),
        stationId: z.string().trim().min(1).max(64).optional(),
      })
      .strict(),
    access: anyone,
    mutates: true,
    run: async ({ station }, input) => {
      // The setup wizard's process goes on to unlock and sign in to what it restored.
      return station.restoreFromReplica({
        passphrase: input.passphrase,
        ...(input.stationId ? { stationId: input.stationId } : {}),
        store: { endpoint: input.endpoint, bucket: input.bucket, region: input.region ?? 'us-east-1', accessKeyId: input.accessKeyId, secretAccessKey: input.secret },
      });
    },
  }),
};
