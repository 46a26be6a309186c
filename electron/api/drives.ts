// The optical drives this station sees.
import { z } from 'zod';
import { ability, command } from './command.ts';

export const drivesHandlers = {
  'drives.list': command({
    input: z.object({}).strict(),
    access: ability('drives'),
    mutates: false,
    run: ({ station }) => station.discs.drives(),
  }),
};
