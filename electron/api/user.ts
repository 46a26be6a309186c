import { z } from 'zod';
import { ROLES } from '../core/access/roles.ts';
import { command, roles } from './command.ts';

const username = z.string().trim().min(1).max(64);
const roleList = z.array(z.enum(ROLES)).min(1);

export const userHandlers = {
  'user.list': command({
    input: z.object({}).strict(),
    access: roles('admin', 'auditor'),
    mutates: false,
    run: ({ station }) => station.users.list(),
  }),
  'user.add': command({
    input: z
      .object({ username, displayName: z.string().trim().min(1).max(100), roles: roleList, password: z.string().min(1).max(1024) })
      .strict(),
    access: roles('admin'),
    mutates: true,
    run: ({ station, actor }, input) => station.users.add(actor.username, input),
  }),
  'user.setRoles': command({
    input: z.object({ username, roles: roleList }).strict(),
    access: roles('admin'),
    mutates: true,
    run: ({ station, actor }, input) => station.users.setRoles(actor.username, input.username, input.roles),
  }),
  'user.disable': command({
    input: z.object({ username, reason: z.string().max(500).default('') }).strict(),
    access: roles('admin'),
    mutates: true,
    run: ({ station, actor }, input) => station.users.setDisabled(actor.username, input.username, true, input.reason),
  }),
  'user.enable': command({
    input: z.object({ username }).strict(),
    access: roles('admin'),
    mutates: true,
    run: ({ station, actor }, input) => station.users.setDisabled(actor.username, input.username, false),
  }),
  'user.resetPassword': command({
    input: z.object({ username, newPassword: z.string().min(1).max(1024) }).strict(),
    access: roles('admin'),
    mutates: true,
    run: async ({ station, actor }, input) => {
      await station.users.setPassword(actor.username, input.username, input.newPassword, 'reset');
      return { ok: true };
    },
  }),
};
