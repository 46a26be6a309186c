import { describe, expect, it } from 'vitest';
import { ALL_ROLES, REQUESTER_ROLES, SETTINGS_EDIT_ROLES, conflictingRoles, hasRoleConflict } from './roles.ts';
import { ACCESS } from './components/access.ts';
import { screensFor } from './shell/screens.tsx';

describe('roles', () => {
  it('presents every role once', () => {
    expect([...ALL_ROLES].sort()).toEqual(['admin', 'approver', 'auditor', 'clerk', 'custodian']);
  });

  it('marks admin and approver as mutually exclusive, both ways', () => {
    expect(conflictingRoles('approver', ['admin'])).toEqual(['admin']);
    expect(conflictingRoles('admin', ['approver', 'clerk'])).toEqual(['approver']);
    expect(conflictingRoles('clerk', ['admin'])).toEqual([]);
    expect(hasRoleConflict(['admin', 'approver'])).toBe(true);
    expect(hasRoleConflict(['admin', 'auditor', 'custodian'])).toBe(false);
  });

  it('offers the user list to admins and auditors only', () => {
    expect(screensFor(['admin']).map((s) => s.key)).toEqual(expect.arrayContaining(['ledger', 'users']));
    expect(screensFor(['auditor']).map((s) => s.key)).toEqual(expect.arrayContaining(['ledger', 'users']));
    expect(screensFor(['clerk']).map((s) => s.key)).toEqual(expect.arrayContaining(['ledger']));
    expect(screensFor(['clerk']).map((s) => s.key)).not.toContain('users');
    expect(screensFor(['approver', 'custodian']).map((s) => s.key)).not.toContain('users');
    expect(screensFor(['approver', 'custodian']).map((s) => s.key)).toEqual(expect.arrayContaining(['ledger']));
  });

  it('offers Station settings to admins (who change them) and auditors (who read them) only', () => {
    expect(screensFor(['admin']).map((s) => s.key)).toContain('settings');
    expect(screensFor(['auditor']).map((s) => s.key)).toContain('settings');
    for (const role of ['custodian', 'approver', 'clerk'] as const) expect(screensFor([role]).map((s) => s.key)).not.toContain('settings');
    expect(SETTINGS_EDIT_ROLES).toEqual(['admin']);
  });

  it('defect 13: offers the auditor no request, withdrawal or extension (read-only; spot-checks stay)', () => {
    expect(REQUESTER_ROLES).not.toContain('auditor');
    expect(ACCESS.request).not.toContain('auditor');
    expect([...REQUESTER_ROLES].sort()).toEqual(['approver', 'clerk', 'custodian']);
  });
});
