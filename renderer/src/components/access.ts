// Who may do what on the case, retention, report and burn screens: the shared ability table
// (electron/shared/roles.ts) that the api's access lists are built from. The station checks again on
// every call; the UI only avoids offering what would be refused.
import type { User } from '../api.ts';
import { ABILITIES, may, type Ability } from '../../../electron/shared/roles.ts';

export const ACCESS = ABILITIES;
export type { Ability };

export function can(user: Pick<User, 'roles'>, ability: Ability): boolean {
  return may(user.roles, ability);
}

export function sameUser(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && a.toLowerCase() === b.toLowerCase();
}
