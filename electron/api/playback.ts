// Watching a recording under an approved request (or a ledgered spot-check): a token the front end plays.
import { z } from 'zod';
import { command, roles } from './command.ts';

const id = z.string().trim().min(1).max(100);

export const playbackHandlers = {
  'playback.open': command({
    input: z.object({ recordingId: id, requestId: id.nullable().optional(), reason: z.string().max(1000).nullable().optional() }).strict(),
    access: roles('clerk', 'custodian', 'approver', 'auditor'),
    mutates: true,
    run: ({ station, actor, mediaUrl }, input) => {
      station.requireUnlocked();
      const session = station.playback.open(actor, input);
      return { ...session, url: mediaUrl(session.token) };
    },
  }),
  'playback.status': command({
    input: z.object({ token: z.string().min(8).max(200) }).strict(),
    access: roles('clerk', 'custodian', 'approver', 'auditor'),
    mutates: false,
    run: ({ station, actor }, input) => station.playback.status(actor, input.token),
  }),
  'playback.close': command({
    input: z.object({ token: z.string().min(8).max(200), watchedSeconds: z.number().min(0).optional() }).strict(),
    access: roles('clerk', 'custodian', 'approver', 'auditor'),
    mutates: true,
    run: ({ station, actor }, input) => {
      station.playback.close(actor, input.token, input.watchedSeconds);
      return { ok: true };
    },
  }),
};
