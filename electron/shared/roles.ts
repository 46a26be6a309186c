// Roles and what each may do: one table read by the api's `access` (who may call a command) and by
// the renderer (which buttons to offer), so a screen never offers what the station would refuse.

export const ROLES = ['custodian', 'approver', 'clerk', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * Separation of duties (README.md, Architecture): whoever administers users and settings must never also
 * approve access to footage, or one person could grant themselves anything. Core refuses such a user;
 * the user form disables the choice up front.
 */
export const EXCLUSIVE_ROLES: readonly (readonly [Role, Role])[] = [['admin', 'approver']];

/**
 * Abilities shared by several commands and by the screens that offer them. A command's access that
 * no screen needs to know stays written at the command.
 */
export const ABILITIES = {
  /** Reading the catalogue, cases, retention, burn jobs and the ledger: every role. */
  read: ['admin', 'auditor', 'custodian', 'approver', 'clerk'],
  /** case.create / update / link / unlink / close / archive */
  caseWrite: ['clerk', 'custodian'],
  /** retention.hold */
  hold: ['custodian', 'clerk', 'approver'],
  /** retention.release (password re-entered) */
  release: ['approver'],
  /** destroy.propose */
  propose: ['custodian'],
  /** destroy.execute */
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
  /**
   * request.create / withdraw, case.request, retention.requestExtension / applyExtension. Not the
   * auditor: they read everything and change nothing (spot-checks stay).
   */
  request: ['clerk', 'custodian', 'approver'],
  /** ledger.checkpoint. */
  checkpoint: ['admin', 'auditor', 'custodian'],
  /** ingest.setSettings, retention.setCategory and calendar.edit: the Settings screen's changes. */
  editSettings: ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Ability = keyof typeof ABILITIES;

export function may(roles: readonly Role[], ability: Ability): boolean {
  const allowed: readonly Role[] = ABILITIES[ability];
  return roles.some((r) => allowed.includes(r));
}
