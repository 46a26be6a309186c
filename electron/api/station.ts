import { z } from 'zod';
import { ability, anyone, command } from './command.ts';
import { ruleSettingSchema } from './rules.ts';

export const stationHandlers = {
  'station.status': command({
    input: z.object({}).strict(),
    access: anyone,
    mutates: false,
    // The witness line is part of the status everyone sees ("last cosigned: size N, M minutes ago").
    run: ({ station }) => ({
      ...station.status(),
      // Front ends show and read times in the agency's zone (issue #14 item 10).
      timeZone: station.initialized ? station.settings.get('agency.timeZone') : null,
      witness: station.initialized ? station.witness.status() : null,
    }),
  }),
  'station.init': command({
    input: z
      .object({
        agencyCode: z.string().trim().min(1).max(32),
        agencyName: z.string().trim().min(1).max(200),
        passphrase: z.string().min(1).max(1024),
        timeZone: z.string().min(1).max(64).optional(),
        admin: z.object({
          username: z.string().trim().min(1).max(64),
          displayName: z.string().trim().min(1).max(100),
          password: z.string().min(1).max(1024),
        }),
        rule: ruleSettingSchema.optional(),
      })
      .strict(),
    access: anyone,
    mutates: true,
    run: async ({ station }, input) => station.init(input),
  }),
  'station.unlock': command({
    input: z.object({ passphrase: z.string().min(1).max(1024) }).strict(),
    access: anyone,
    mutates: false,
    run: async ({ station }, { passphrase }) => {
      await station.unlock(passphrase);
      return station.status();
    },
  }),
  'station.settings': command({
    input: z.object({}).strict(),
    access: ability('read'),
    mutates: false,
    run: ({ station }) => station.settings.all(),
  }),
};
