// What the signed-in user should be told about (issue 14 item 17): the dashboard lists it, the
// desktop app notifies of what is new (electron/main/desktopNotices.ts).
import { z } from 'zod';
import { command, signedIn } from './command.ts';

export const attentionHandlers = {
  'attention.list': command({
    input: z.object({}).strict(),
    access: signedIn,
    mutates: false,
    run: ({ station, actor }) => station.attention.for(actor),
  }),
};
export type { AttentionItem, AttentionKind } from '../core/attention/attention.ts';
