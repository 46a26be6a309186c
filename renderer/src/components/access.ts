// Who may do what on the case, retention, report and burn screens: mirrors the access lists in
// electron/api/{cases,retention,reports,discs}.ts. The station checks again on every call; the UI
// only avoids offering what would be refused.
import type { Role, User } from '../api.ts';
import { REQUESTER_ROLES } from '../roles.ts';

const ALL: readonly Role[] = ['admin', 'auditor', 'custodian', 'approver', 'clerk'];

export const ACCESS = {
  /** case.list / case.show / retention.* reads / destroy.list */
  read: ALL,
  /** case.create / update / link / unlink / close / archive */
  caseWrite: ['clerk', 'custodian'],
  /** case.request, retention.requestExtension / applyExtension */
  request: REQUESTER_ROLES,
  /** retention.hold */
  hold: ['custodian', 'clerk', 'approver'],
  /** retention.release (password re-entered) */
  release: ['approver'],
  /** destroy.propose / destroy.execute */
  propose: ['custodian'],
  execute: ['custodian'],
  /** destroy.approve / destroy.deny (password re-entered, never the proposer) */
  decide: ['approver'],
  /** destroy.cancel */
  cancel: ['custodian', 'approver'],
  /** report.* */
  report: ['auditor', 'approver', 'custodian', 'admin'],
  /** burn.plan / start / retry / continue / cancel */
  burn: ['clerk', 'custodian'],
  /** drives.list */
  drives: ['clerk', 'custodian', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Ability = keyof typeof ACCESS;

export function can(user: Pick<User, 'roles'>, ability: Ability): boolean {
  return user.roles.some((r) => (ACCESS[ability] as readonly Role[]).includes(r));
}

export function sameUser(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && a.toLowerCase() === b.toLowerCase();
}
