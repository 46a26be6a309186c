// The dashboard of what is due.
import { z } from 'zod';
import { command, signedIn } from './command.ts';

export const dashboardHandlers = {
  'dashboard.summary': command({
    input: z.object({ limit: z.number().int().min(1).max(1000).default(50) }).strict(),
    access: signedIn,
    mutates: false,
    run: ({ station }, q) => station.dashboard.summary(q),
  }),
};
