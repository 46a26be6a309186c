import type { Clock } from '../clock.ts';
import { StationError } from '../errors.ts';
import type { WritableDB } from '../db/database.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { assertRoleSet, isRole, type Role } from './roles.ts';
import { checkPassword, dummyPasswordHash, hashPassword } from './passwords.ts';

export type User = {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  disabled: boolean;
  createdAt: string;
};

export type Actor = { username: string; roles: Role[] };

type UserRow = {
  id: number;
  username: string;
  display_name: string;
  password_hash: string;
  roles: string;
  disabled: number;
  failed_logins: number;
  locked_until: string | null;
  created_at: string;
};

/** Failures tolerated before the backoff starts, and its ceiling. */
export const LOGIN_FREE_FAILURES = 3;
export const LOGIN_MAX_BACKOFF_SECONDS = 15 * 60;

/** Doubling delay after the free failures: 2 s, 4 s, 8 s … capped at 15 minutes. */
export function backoffSeconds(failures: number): number {
  if (failures < LOGIN_FREE_FAILURES) return 0;
  return Math.min(2 ** (failures - LOGIN_FREE_FAILURES + 1), LOGIN_MAX_BACKOFF_SECONDS);
}

const USERNAME = /^[\p{L}\p{N}][\p{L}\p{N}._-]{0,63}$/u;

function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: (JSON.parse(row.roles) as string[]).filter(isRole),
    disabled: row.disabled === 1,
    createdAt: row.created_at,
  };
}

export class Users {
  private readonly db: WritableDB;
  private readonly ledger: Ledger;
  private readonly clock: Clock;
  private readonly write: <T>(fn: () => T) => T;

  constructor(deps: { db: WritableDB; ledger: Ledger; clock: Clock; write: <T>(fn: () => T) => T }) {
    this.db = deps.db;
    this.ledger = deps.ledger;
    this.clock = deps.clock;
    this.write = deps.write;
  }

  private row(username: string): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
  }

  private existing(username: string): UserRow {
    const row = this.row(username);
    if (!row) throw new StationError('input', 'user.not_found', { username });
    return row;
  }

  list(): User[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map(toUser);
  }

  get(username: string): User {
    return toUser(this.existing(username));
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  async add(actor: string, input: { username: string; displayName: string; roles: Role[]; password: string }): Promise<User> {
    if (!USERNAME.test(input.username)) throw new StationError('input', 'user.bad_username', { username: input.username });
    const roles = [...new Set(input.roles)].sort();
    assertRoleSet(roles);
    if (this.row(input.username)) throw new StationError('input', 'user.exists', { username: input.username });
    const passwordHash = await hashPassword(input.password);
    return this.write(() => {
      if (this.row(input.username)) throw new StationError('input', 'user.exists', { username: input.username });
      const at = this.clock.now().toISOString();
      this.db
        .prepare('INSERT INTO users (username, display_name, password_hash, roles, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(input.username, input.displayName, passwordHash, JSON.stringify(roles), at);
      this.ledger.append({
        actor,
        action: 'user.added',
        subject: `user:${input.username}`,
        details: { displayName: input.displayName, roles },
      });
      return this.get(input.username);
    });
  }

  setRoles(actor: string, username: string, roles: Role[]): User {
    const sorted = [...new Set(roles)].sort();
    assertRoleSet(sorted);
    return this.write(() => {
      const row = this.existing(username);
      this.assertNotLastAdmin(row, sorted.includes('admin') && row.disabled === 0);
      this.db.prepare('UPDATE users SET roles = ? WHERE id = ?').run(JSON.stringify(sorted), row.id);
      this.ledger.append({
        actor,
        action: 'user.roles_changed',
        subject: `user:${row.username}`,
        details: { from: JSON.parse(row.roles) as string[], to: sorted },
      });
      return this.get(username);
    });
  }

  setDisabled(actor: string, username: string, disabled: boolean, reason = ''): User {
    return this.write(() => {
      const row = this.existing(username);
      if (disabled && row.username.toLowerCase() === actor.toLowerCase()) throw new StationError('denied', 'user.cannot_disable_self', {});
      if (disabled) this.assertNotLastAdmin(row, false);
      this.db.prepare('UPDATE users SET disabled = ?, failed_logins = 0, locked_until = NULL WHERE id = ?').run(disabled ? 1 : 0, row.id);
      this.ledger.append({ actor, action: disabled ? 'user.disabled' : 'user.enabled', subject: `user:${row.username}`, details: { reason } });
      return this.get(username);
    });
  }

  async setPassword(actor: string, username: string, newPassword: string, how: 'reset' | 'changed'): Promise<void> {
    this.existing(username);
    const passwordHash = await hashPassword(newPassword);
    this.write(() => {
      const row = this.existing(username);
      this.db.prepare('UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE id = ?').run(passwordHash, row.id);
      this.ledger.append({ actor, action: how === 'reset' ? 'user.password_reset' : 'user.password_changed', subject: `user:${row.username}` });
    });
  }

  /** Checks a password without side effects beyond the failure bookkeeping (used for re-authentication). */
  async authenticate(username: string, password: string, purpose: 'login' | 'confirm' = 'login'): Promise<User> {
    const row = this.row(username);
    const now = this.clock.now();
    if (!row) {
      await checkPassword(await dummyPasswordHash(), password);
      this.write(() =>
        this.ledger.append({ actor: 'anonymous', action: 'auth.login_failed', subject: `user:${username}`, details: { reason: 'unknown_user', purpose } }),
      );
      throw new StationError('denied', 'auth.bad_credentials', {});
    }
    if (row.locked_until && new Date(row.locked_until) > now) {
      const retryAfterSeconds = Math.ceil((new Date(row.locked_until).getTime() - now.getTime()) / 1000);
      this.write(() =>
        this.ledger.append({ actor: 'anonymous', action: 'auth.login_throttled', subject: `user:${row.username}`, details: { retryAfterSeconds, purpose } }),
      );
      throw new StationError('denied', 'auth.throttled', { seconds: retryAfterSeconds });
    }
    const ok = await checkPassword(row.password_hash, password);
    if (!ok) {
      const failures = row.failed_logins + 1;
      const delay = backoffSeconds(failures);
      const lockedUntil = delay > 0 ? new Date(now.getTime() + delay * 1000).toISOString() : null;
      this.write(() => {
        this.db.prepare('UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?').run(failures, lockedUntil, row.id);
        this.ledger.append({
          actor: 'anonymous',
          action: 'auth.login_failed',
          subject: `user:${row.username}`,
          details: { reason: 'bad_password', failures, backoffSeconds: delay, purpose },
        });
      });
      throw new StationError('denied', delay > 0 ? 'auth.bad_credentials_backoff' : 'auth.bad_credentials', { seconds: delay });
    }
    if (row.disabled) {
      this.write(() =>
        this.ledger.append({ actor: 'anonymous', action: 'auth.login_failed', subject: `user:${row.username}`, details: { reason: 'disabled', purpose } }),
      );
      throw new StationError('denied', 'auth.disabled', {});
    }
    if (row.failed_logins > 0) {
      this.write(() => this.db.prepare('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?').run(row.id));
    }
    return toUser(row);
  }

  /** The station must never lose its last active administrator: nobody could manage users then. */
  private assertNotLastAdmin(row: UserRow, staysActiveAdmin: boolean): void {
    const wasActiveAdmin = row.disabled === 0 && (JSON.parse(row.roles) as string[]).includes('admin');
    if (!wasActiveAdmin || staysActiveAdmin) return;
    const others = (this.db.prepare("SELECT COUNT(*) AS n FROM users WHERE disabled = 0 AND id != ? AND EXISTS (SELECT 1 FROM json_each(users.roles) WHERE value = 'admin')").get(row.id) as { n: number }).n;
    if (others === 0) throw new StationError('denied', 'user.last_admin', {});
  }
}
