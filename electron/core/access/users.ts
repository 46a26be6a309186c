import type { Clock } from '../clock.ts';
import { StationError } from '../errors.ts';
import type { ReadableDB, WritableDB } from '../db/database.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { assertRoleSet, isRole, type Role } from './roles.ts';
import { checkPassword, dummyPasswordHash, hashPassword, passwordHashProblem } from './passwords.ts';
import { AuthorityIndex, compareAuthority, passwordFingerprint, type LedgeredAuthority } from './authority.ts';

export type User = {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  disabled: boolean;
  createdAt: string;
  /** The password was chosen by an administrator: until the user sets their own, they may do nothing else. */
  mustChangePassword: boolean;
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

function toUser(row: UserRow, ledgered: LedgeredAuthority | null): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: (JSON.parse(row.roles) as string[]).filter(isRole),
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    // Unbacked rows are refused at use anyway; for display, no ledger means nothing was ever chosen by the user.
    mustChangePassword: ledgered?.mustChangePassword ?? true,
  };
}

export class Users {
  private readonly db: WritableDB;
  private readonly ledger: Ledger;
  private readonly clock: Clock;
  private readonly write: <T>(fn: () => T) => T;
  private readonly authority: AuthorityIndex;

  constructor(deps: { db: WritableDB; ledger: Ledger; clock: Clock; write: <T>(fn: () => T) => T }) {
    this.db = deps.db;
    this.ledger = deps.ledger;
    this.clock = deps.clock;
    this.write = deps.write;
    this.authority = new AuthorityIndex(deps.db);
  }

  private toUser(row: UserRow): User {
    return toUser(row, this.authority.of(row.username));
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
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map((r) => this.toUser(r));
  }

  get(username: string): User {
    return this.toUser(this.existing(username));
  }

  /**
   * The user as the ledger backs them, for a session about to act. A row whose roles, disabled
   * flag or password hash the ledger does not back (an edit with sqlite3) is refused, and the
   * refusal is ledgered as an alarm for the auditor.
   */
  backed(username: string, at: 'login' | 'command'): User {
    const row = this.existing(username);
    this.assertBacked(row, at);
    return this.toUser(row);
  }

  private assertBacked(row: UserRow, at: 'login' | 'command'): void {
    const problem = passwordHashProblem(row.password_hash);
    if (problem) {
      this.alarm(row.username, { field: 'password_hash_floor', ...problem, at });
      throw new StationError('denied', 'auth.password_hash_weak', { username: row.username });
    }
    const ledgered = this.authority.of(row.username);
    const roles = (JSON.parse(row.roles) as string[]).filter((r) => typeof r === 'string');
    const mismatch = compareAuthority({ roles, disabled: row.disabled !== 0, passwordHash: row.password_hash }, ledgered);
    if (mismatch) {
      this.alarm(row.username, { ...mismatch, at });
      throw new StationError('denied', 'auth.authority_mismatch', { username: row.username, field: mismatch.field });
    }
  }

  private alarm(username: string, details: Record<string, unknown>): void {
    this.write(() => this.ledger.append({ actor: 'system', action: 'user.authority_mismatch', subject: `user:${username}`, details }));
  }

  /**
   * Stations set up before password fingerprints were ledgered have users whose ledger entries
   * carry none. The first unlock (or login) after the upgrade records each such user's current hash
   * once, as `user.baseline` by 'system': from then on a changed hash is refused. What was planted
   * before that moment cannot be told apart, and the entry says when the baseline was taken.
   */
  recordBaselines(trigger: 'unlock' | 'login', only?: string): number {
    const pending = (): UserRow[] =>
      (this.db.prepare('SELECT * FROM users ORDER BY id').all() as UserRow[]).filter((row) => {
        if (only && row.username.toLowerCase() !== only.toLowerCase()) return false;
        const ledgered = this.authority.of(row.username);
        // A weak hash is refused at use and never baselined.
        return ledgered !== null && ledgered.passwordFingerprint === null && !passwordHashProblem(row.password_hash);
      });
    if (pending().length === 0) return 0; // the usual case: no write transaction at all
    return this.write(() => {
      let n = 0;
      for (const row of pending()) {
        this.ledger.append({
          actor: 'system',
          action: 'user.baseline',
          subject: `user:${row.username}`,
          details: { passwordFingerprint: passwordFingerprint(row.password_hash), trigger },
        });
        n++;
      }
      return n;
    });
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
        details: { displayName: input.displayName, roles, passwordFingerprint: passwordFingerprint(passwordHash) },
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
      this.ledger.append({
        actor,
        action: how === 'reset' ? 'user.password_reset' : 'user.password_changed',
        subject: `user:${row.username}`,
        details: { passwordFingerprint: passwordFingerprint(passwordHash) },
      });
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
    if (this.authority.of(row.username)?.passwordFingerprint === null) this.recordBaselines('login', row.username);
    // Before the hash is verified: a planted hash is not to be tried at all.
    this.assertBacked(row, 'login');
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
    return this.toUser(row);
  }

  /** A sign-in: the password checked (failures are bookkept by authenticate) and the session's start ledgered. */
  async login(username: string, password: string): Promise<User> {
    const user = await this.authenticate(username, password);
    this.write(() => this.ledger.append({ actor: user.username, action: 'auth.login', subject: `user:${user.username}` }));
    return user;
  }

  logout(username: string): void {
    this.write(() => this.ledger.append({ actor: username, action: 'auth.logout', subject: `user:${username}` }));
  }

  /** A command beyond the user's roles: attempts beyond one's role are what an auditor most wants to see. */
  recordForbidden(user: User, command: string): void {
    this.write(() => this.ledger.append({ actor: user.username, action: 'auth.forbidden', subject: `command:${command}`, details: { roles: user.roles } }));
  }

  /** The station must never lose its last active administrator: nobody could manage users then. */
  private assertNotLastAdmin(row: UserRow, staysActiveAdmin: boolean): void {
    const wasActiveAdmin = row.disabled === 0 && (JSON.parse(row.roles) as string[]).includes('admin');
    if (!wasActiveAdmin || staysActiveAdmin) return;
    const others = (this.db.prepare("SELECT COUNT(*) AS n FROM users WHERE disabled = 0 AND id != ? AND EXISTS (SELECT 1 FROM json_each(users.roles) WHERE value = 'admin')").get(row.id) as { n: number }).n;
    if (others === 0) throw new StationError('denied', 'user.last_admin', {});
  }
}

/** The display name of the user with this login (logins compare without case), or undefined when there is none. */
export function displayNameOf(db: Pick<ReadableDB, 'prepare'>, username: string): string | undefined {
  const row = db.prepare('SELECT display_name FROM users WHERE username = ? COLLATE NOCASE').get(username) as { display_name: string } | undefined;
  return row?.display_name;
}
