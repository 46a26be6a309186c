import { StationError } from '../errors.ts';

export const ROLES = ['custodian', 'approver', 'clerk', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * Separation of duties (README.md, Architecture): whoever administers users and settings must never also
 * approve access to footage, or one person could grant themselves anything.
 */
export function assertRoleSet(roles: readonly Role[]): void {
  if (roles.length === 0) throw new StationError('input', 'user.no_roles', {});
  if (roles.includes('admin') && roles.includes('approver')) {
    throw new StationError('denied', 'user.admin_cannot_approve', {});
  }
}
