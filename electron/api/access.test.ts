import { afterEach, describe, expect, it } from 'vitest';
import { queryLedger } from '../core/ledger/query.ts';
import { createTestStation, type TestStation } from '../../tests/support/testStation.ts';

let t: TestStation;
afterEach(() => t?.cleanup());

const entries = (action: string) => queryLedger(t.station.db, { action, limit: 1000, order: 'asc' }).entries;

describe('users and roles through the api', () => {
  it('a clerk cannot add users, and the attempt is in the ledger', async () => {
    t = await createTestStation();
    const clerk = await t.addUser('clerk1', ['clerk']);
    await expect(clerk.invoke('user.add', { username: 'x', displayName: 'x', roles: ['clerk'], password: 'password1' })).rejects.toMatchObject({
      code: 'auth.forbidden',
      kind: 'denied',
    });
    expect(t.station.users.list().map((u) => u.username)).not.toContain('x');
    expect(entries('auth.forbidden')).toEqual([expect.objectContaining({ actor: 'clerk1', subject: 'command:user.add' })]);
  });

  it('an admin can never also be an approver', async () => {
    t = await createTestStation();
    await expect(t.admin.invoke('user.add', { username: 'boss', displayName: 'b', roles: ['admin', 'approver'], password: 'password1' })).rejects.toMatchObject({
      code: 'user.admin_cannot_approve',
    });
    await t.addUser('head', ['approver']);
    await expect(t.admin.invoke('user.setRoles', { username: 'head', roles: ['approver', 'admin'] })).rejects.toMatchObject({ code: 'user.admin_cannot_approve' });
    await expect(t.admin.invoke('user.setRoles', { username: 'admin', roles: ['admin', 'approver'] })).rejects.toMatchObject({ code: 'user.admin_cannot_approve' });
    expect(t.station.users.get('head').roles).toEqual(['approver']);
  });

  it('a disabled user cannot log in, and an open session of theirs stops working', async () => {
    t = await createTestStation();
    const clerk = await t.addUser('clerk2', ['clerk'], 'clerk-password');
    await t.admin.invoke('user.disable', { username: 'clerk2', reason: '离职' });
    await expect(clerk.invoke('ledger.list', {})).rejects.toMatchObject({ code: 'auth.disabled' });
    await expect(t.login('clerk2', 'clerk-password')).rejects.toMatchObject({ code: 'auth.disabled' });
    expect(entries('user.disabled')).toEqual([expect.objectContaining({ actor: 'admin', subject: 'user:clerk2', details: { reason: '离职' } })]);
  });

  it('five wrong passwords: growing backoff and five ledger entries', async () => {
    t = await createTestStation();
    await t.addUser('clerk3', ['clerk'], 'clerk-password');
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const err = await t.login('clerk3', `wrong-${i}`).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'denied' });
      delays.push(Number((err as { params: { seconds?: number } }).params.seconds ?? 0));
      // While the backoff runs even the right password is refused…
      if (delays[i]! > 0) await expect(t.login('clerk3', 'clerk-password')).rejects.toMatchObject({ code: 'auth.throttled' });
      t.clock.advance(delays[i]! * 1000 + 1);
    }
    expect(delays).toEqual([0, 0, 2, 4, 8]);
    const failures = entries('auth.login_failed').filter((e) => e.subject === 'user:clerk3');
    expect(failures).toHaveLength(5);
    expect(failures.map((e) => e.details.failures)).toEqual([1, 2, 3, 4, 5]);
    // …and after it, the right one works and resets the counter.
    await t.login('clerk3', 'clerk-password');
    expect(t.station.db.prepare("SELECT failed_logins FROM users WHERE username = 'clerk3'").get()).toEqual({ failed_logins: 0 });
  });

  it('validates payloads at the boundary and rejects unknown commands', async () => {
    t = await createTestStation();
    await expect(t.admin.call('user.add', { username: 42 })).resolves.toMatchObject({ ok: false, error: { code: 'api.invalid_input', kind: 'input' } });
    await expect(t.admin.call('nope.nothing', {})).resolves.toMatchObject({ ok: false, error: { code: 'api.unknown_command' } });
    await expect(t.server.connect().invoke('user.list', {})).rejects.toMatchObject({ code: 'auth.required' });
  });

  it('ends idle sessions', async () => {
    t = await createTestStation();
    t.clock.advance(31 * 60_000);
    await expect(t.admin.invoke('user.list', {})).rejects.toMatchObject({ code: 'auth.session_expired' });
  });

  it('keeps at least one active administrator', async () => {
    t = await createTestStation();
    await expect(t.admin.invoke('user.setRoles', { username: 'admin', roles: ['auditor'] })).rejects.toMatchObject({ code: 'user.last_admin' });
    await expect(t.admin.invoke('user.disable', { username: 'admin' })).rejects.toMatchObject({ code: 'user.cannot_disable_self' });
  });
});
