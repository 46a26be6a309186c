import { ABILITIES, EXCLUSIVE_ROLES, type Role } from '../../electron/shared/roles.ts';

// Record<Role, …> makes the compiler flag a role added in core but not presented here.
const ROLE_META: Record<Role, { color: string; order: number }> = {
  admin: { color: 'volcano', order: 0 },
  custodian: { color: 'blue', order: 1 },
  approver: { color: 'gold', order: 2 },
  clerk: { color: 'green', order: 3 },
  auditor: { color: 'purple', order: 4 },
};

export const ALL_ROLES = (Object.keys(ROLE_META) as Role[]).sort((a, b) => ROLE_META[a].order - ROLE_META[b].order);

export function roleColor(role: Role): string {
  return ROLE_META[role].color;
}

export function sortRoles(roles: readonly Role[]): Role[] {
  return [...roles].sort((a, b) => ROLE_META[a].order - ROLE_META[b].order);
}

/** Separation of duties (electron/shared/roles.ts): the station refuses it; the form disables it up front. */
const EXCLUSIVE = EXCLUSIVE_ROLES;

export function conflictingRoles(role: Role, selected: readonly Role[]): Role[] {
  const out: Role[] = [];
  for (const [a, b] of EXCLUSIVE) {
    if (role === a && selected.includes(b)) out.push(b);
    if (role === b && selected.includes(a)) out.push(a);
  }
  return out;
}

export function hasRoleConflict(selected: readonly Role[]): boolean {
  return EXCLUSIVE.some(([a, b]) => selected.includes(a) && selected.includes(b));
}

export function hasAnyRole(roles: readonly Role[], allowed: readonly Role[]): boolean {
  return roles.some((r) => allowed.includes(r));
}

// The api's access reads the same table (electron/shared/roles.ts ABILITIES).
export const CHECKPOINT_ROLES: readonly Role[] = ABILITIES.checkpoint;
export const SETTINGS_EDIT_ROLES: readonly Role[] = ABILITIES.editSettings;
export const REQUESTER_ROLES: readonly Role[] = ABILITIES.request;
