import { z } from 'zod';
import { StationError } from '../core/errors.ts';
import { anyone, command, signedIn } from './command.ts';

export const authHandlers = {
  'auth.login': command({
    input: z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(1024) }).strict(),
    access: anyone,
    mutates: true,
    run: async ({ station, client }, { username, password }) => {
      const user = await station.users.login(username, password);
      client.setSession(user);
      return { user };
    },
  }),
  'auth.logout': command({
    input: z.object({}).strict(),
    access: signedIn,
    mutates: true,
    run: ({ station, actor, client }) => {
      station.users.logout(actor.username);
      client.setSession(null);
      return { ok: true };
    },
  }),
  'auth.whoami': command({
    input: z.object({}).strict(),
    access: signedIn,
    mutates: false,
    run: ({ actor }) => ({ user: actor }),
  }),
  'auth.changePassword': command({
    input: z.object({ oldPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) }).strict(),
    access: signedIn,
    mutates: true,
    run: async ({ station, actor }, { oldPassword, newPassword }) => {
      await station.users.authenticate(actor.username, oldPassword, 'confirm');
      // Keeping the password an administrator chose would keep the administrator able to act as this user.
      if (newPassword.normalize('NFC') === oldPassword.normalize('NFC')) throw new StationError('input', 'auth.password_unchanged', {});
      await station.users.setPassword(actor.username, actor.username, newPassword, 'changed');
      return { ok: true, user: station.users.get(actor.username) };
    },
  }),
};
