import { describe, expect, it } from 'vitest';
import { ALL_ROLES, conflictingRoles, hasRoleConflict, screensFor } from './roles.ts';

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
    expect(screensFor(['admin'])).toEqual(['ledger', 'users']);
    expect(screensFor(['auditor'])).toEqual(['ledger', 'users']);
    expect(screensFor(['clerk'])).toEqual(['ledger']);
    expect(screensFor(['approver', 'custodian'])).toEqual(['ledger']);
  });
});
