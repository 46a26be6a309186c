// Burning discs and removable media (issue 6) from approved burn requests. `burn.start` returns the
// job at once; its progress reaches every signed-in client as 'burn.*' events, and `burn.wait`
// resolves when it has ended. The platform's writers come from the front end (provideDiscPorts),
// since api may not import native.
import { z } from 'zod';
import { MEDIA_IDS } from '../core/discs/profiles.ts';
import { ability, command } from './command.ts';

const readers = ability('read');
const burners = ability('burn');
const id = z.string().trim().min(1).max(100);
const path = z.string().min(1).max(4096);

const target = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('iso'), path }).strict(),
  z.object({ kind: z.literal('drive'), device: z.string().trim().min(1).max(256) }).strict(),
  z.object({ kind: z.literal('dir'), path }).strict(),
]);

export const burnHandlers = {
  'burn.profiles': command({
    input: z.object({}).strict(),
    access: readers,
    mutates: false,
    run: ({ station }) => ({ profiles: station.discs.profiles(), writers: station.discs.writers() }),
  }),
  'burn.plan': command({
    input: z
      .object({
        requestId: id,
        media: z.enum(MEDIA_IDS).optional(),
        target: target.optional(),
        copies: z.number().int().min(1).max(10).optional(),
        volumeLabel: z.string().trim().max(64).nullable().optional(),
      })
      .strict(),
    access: burners,
    mutates: false,
    run: ({ station }, input) => station.discs.plan(input),
  }),
  'burn.start': command({
    input: z
      .object({
        requestId: id,
        target,
        media: z.enum(MEDIA_IDS).optional(),
        copies: z.number().int().min(1).max(10).default(1),
        volumeLabel: z.string().trim().max(64).nullable().optional(),
        place: z.string().trim().max(500).nullable().optional(),
        remarks: z.string().trim().max(2000).nullable().optional(),
      })
      .strict(),
    access: burners,
    mutates: true,
    run: ({ station, runtime, actor }, input) => {
      runtime.wireBurnEvents();
      return station.discs.start(actor, input);
    },
  }),
  'burn.wait': command({
    input: z.object({ jobId: id }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, { jobId }) => station.discs.wait(jobId),
  }),
  'burn.continue': command({
    input: z.object({ jobId: id }).strict(),
    access: burners,
    mutates: true,
    run: ({ station, actor }, { jobId }) => station.discs.resume(actor, jobId),
  }),
  'burn.cancel': command({
    input: z.object({ jobId: id }).strict(),
    access: burners,
    mutates: true,
    run: ({ station, actor }, { jobId }) => station.discs.cancel(actor, jobId),
  }),
  'burn.retry': command({
    input: z.object({ jobId: id, target: target.optional() }).strict(),
    access: burners,
    mutates: true,
    run: ({ station, runtime, actor }, input) => {
      runtime.wireBurnEvents();
      return station.discs.retry(actor, input.jobId, input.target);
    },
  }),
  'burn.job': command({
    input: z.object({ jobId: id }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, { jobId }) => station.discs.job(jobId),
  }),
  'burn.jobs': command({
    input: z.object({ requestId: id.optional(), limit: z.number().int().min(1).max(1000).default(100) }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, q) => station.discs.jobs(q),
  }),
  'burn.label': command({
    input: z.object({ jobId: id, disc: z.number().int().min(1).max(1000), copy: z.number().int().min(1).max(10).default(1) }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, q) => station.discs.label(q.jobId, q.disc, q.copy),
  }),
  'burn.note': command({
    input: z.object({ jobId: id, disc: z.number().int().min(1).max(1000) }).strict(),
    access: readers,
    mutates: false,
    run: ({ station }, q) => station.discs.note(q.jobId, q.disc),
  }),
};
