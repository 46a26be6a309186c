// Copying approved recordings out as an evidence package; progress goes to the caller as export.progress.
import { z } from 'zod';
import { command, roles } from './command.ts';

const id = z.string().trim().min(1).max(100);

export const exportHandlers = {
  'export.run': command({
    input: z.object({ requestId: id, to: z.string().min(1).max(4096) }).strict(),
    access: roles('clerk', 'custodian'),
    mutates: true,
    run: ({ station, actor, emit }, input) => station.exports.copy(actor, input.requestId, input.to, (p) => emit('export.progress', { requestId: input.requestId, ...p })),
  }),
};
