// Sign-ins and sign-outs stay in the ledger but leave lists unless asked (issue #14 item 11): every
// CLI command logs in, so they were most of a day's entries. Failed sign-ins are never hidden.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStation, type TestStation } from '../support/testStation.ts';
import { station } from '../support/cli.ts';

let t: TestStation | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

describe('ledger lists without session entries', () => {
  it('hides sign-ins and sign-outs by default, counts them, and shows them when asked', async () => {
    t = await createTestStation();
    const clerk = await t.addUser('li', ['clerk']);
    await clerk.invoke('auth.logout', {});
    await t.login('li', 'li-password');
    await expect(t.login('li', 'wrong password')).rejects.toMatchObject({ code: 'auth.bad_credentials' });

    const everything = t.station.db.prepare('SELECT action FROM ledger').all() as { action: string }[];
    const sessions = everything.filter((e) => e.action === 'auth.login' || e.action === 'auth.logout').length;
    expect(sessions).toBeGreaterThanOrEqual(4);

    const listed = await t.admin.invoke('ledger.list', { limit: 1000 });
    expect(listed.entries.map((e) => e.action)).not.toContain('auth.login');
    expect(listed.entries.map((e) => e.action)).not.toContain('auth.logout');
    expect(listed.entries.map((e) => e.action)).toContain('auth.login_failed');
    // What the admin's own call just appended is counted too: read the database after it.
    const sessionsNow = (t.station.db.prepare("SELECT count(*) AS n FROM ledger WHERE action IN ('auth.login', 'auth.logout')").get() as { n: number }).n;
    expect(listed.sessionsHidden).toBe(sessionsNow);
    expect(listed.total + listed.sessionsHidden).toBe(t.station.ledger.size);

    const all = await t.admin.invoke('ledger.list', { limit: 1000, includeSessions: true });
    expect(all.total).toBe(t.station.ledger.size);
    expect(all.sessionsHidden).toBe(0);

    const logins = await t.admin.invoke('ledger.list', { action: 'auth.login', limit: 1000 });
    expect(logins.total).toBeGreaterThanOrEqual(3);
    expect(logins.entries.every((e) => e.action === 'auth.login')).toBe(true);
  });

  it('the CLI says how many it left out and lists them with --include-auth', () => {
    const dir = mkdtempSync(join(tmpdir(), 'station-cli-sessions-'));
    try {
      const env = { STATION_DATA: dir, STATION_PASSPHRASE: 'evidence room passphrase', STATION_PASSWORD: 'admin-password', STATION_USER: 'admin' };
      expect(station(['init', '--agency-code', 'ZY01', '--agency-name', '中阳县市场监督管理局', '--admin', 'admin'], env).code).toBe(0);
      const plain = station(['ledger', 'show'], env);
      expect(plain.code, plain.stderr).toBe(0);
      expect(plain.stdout).not.toContain('auth.login');
      expect(plain.stdout).toMatch(/另有 1 条登录、退出记录未列出/);
      const shown = station(['ledger', 'show', '--include-auth'], env);
      expect(shown.stdout.match(/auth\.login/g)).toHaveLength(2);
      expect(shown.stdout).not.toContain('--include-auth');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
