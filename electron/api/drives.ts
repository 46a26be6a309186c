// The optical drives this station sees.
import { z } from 'zod';
import { command, roles } from './command.ts';

export const drivesHandlers = {
  'drives.list': command({
    input: z.object({}).strict(),
    access: roles('clerk', 'custodian', 'admin'),
    mutates: false,
    run: ({ station }) => station.discs.drives(),
  }),
};
