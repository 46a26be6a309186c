import { describe, expect, it } from 'vitest';
import type { Role } from '../api.ts';
import { landingScreen, screensFor } from '../shell/screens.tsx';

const start = (roles: Role[]) => landingScreen(screensFor(roles), roles)?.key;
const keys = (roles: Role[]) => screensFor(roles).map((s) => s.key);

describe('the case, retention, report and burn screens in the shell', () => {
  it('start approvers on the dashboard; other roles keep their own first screen', () => {
    expect(start(['approver'])).toBe('dashboard');
    expect(start(['custodian', 'approver'])).toBe('dashboard');
    expect(start(['clerk'])).toBe('recordings');
    expect(start(['custodian'])).toBe('dock');
    expect(start(['auditor'])).toBe('dock');
  });

  it('offer the dashboard, cases and retention to every role (their commands are open to all)', () => {
    for (const r of ['admin', 'auditor', 'custodian', 'approver', 'clerk'] as const) expect(keys([r])).toEqual(expect.arrayContaining(['dashboard', 'cases', 'retention']));
  });

  it('offer reports to supervisors and the burn screen to those who burn (and auditors, read-only)', () => {
    expect(keys(['clerk'])).not.toContain('reports');
    for (const r of ['auditor', 'approver', 'custodian', 'admin'] as const) expect(keys([r])).toContain('reports');
    expect(keys(['clerk'])).toContain('burn');
    expect(keys(['custodian'])).toContain('burn');
    expect(keys(['approver'])).not.toContain('burn');
    expect(keys(['admin'])).not.toContain('burn');
  });
});
