import { StationError } from '../errors.ts';
import { EXCLUSIVE_ROLES, ROLES, isRole, type Role } from '../../shared/roles.ts';

export { ROLES, isRole, type Role };

/**
 * Separation of duties (README.md, Architecture): whoever administers users and settings must never also
 * approve access to footage, or one person could grant themselves anything.
 */
export function assertRoleSet(roles: readonly Role[]): void {
  if (roles.length === 0) throw new StationError('input', 'user.no_roles', {});
  // The one exclusive pair's error code names it; a second pair would need its own code.
  if (EXCLUSIVE_ROLES.some(([a, b]) => roles.includes(a) && roles.includes(b))) {
    throw new StationError('denied', 'user.admin_cannot_approve', {});
  }
}
