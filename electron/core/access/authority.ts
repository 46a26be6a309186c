import { createHash } from 'node:crypto';
import type { ReadableDB } from '../db/database.ts';
import { subjectFoldReader } from '../ledger/query.ts';
import { isRole, type Role } from './roles.ts';

// Authority comes from the record, not from a row anyone with sqlite3 can edit: a user's roles,
// disabled flag and password are what the ledger says they are. The `users` row is a copy kept
// for queries; at every login and every command the two are compared, and a difference is refused.

/** The ledger actions that change who a user is and what they may do. */
export const AUTHORITY_ACTIONS = [
  'user.added',
  'user.roles_changed',
  'user.disabled',
  'user.enabled',
  'user.password_reset',
  'user.password_changed',
  'user.baseline',
] as const;

export type LedgeredAuthority = {
  roles: Role[];
  disabled: boolean;
  /** SHA-256 of the stored PHC hash string; null for entries written before fingerprints existed. */
  passwordFingerprint: string | null;
  /**
   * True while the current password is one an administrator chose (a new account, a reset): the
   * user must set their own before doing anything, or the admin could act as them.
   */
  mustChangePassword: boolean;
};

/** Never a hash of the password itself: of the stored argon2 string, which is already public to whoever reads the DB. */
export function passwordFingerprint(passwordHash: string): string {
  return createHash('sha256').update(passwordHash, 'utf8').digest('hex');
}

type Row = { seq: number; actor: string; action: string; details: string; leaf_hash: string };
type Cached = { seq: number; leaf: string; state: LedgeredAuthority | null };

/**
 * Folds a user's ledger entries into their authority. Incremental per user: the state is cached
 * with the last seq folded, and only newer entries are read (one range scan of the subject index),
 * so checking at every command stays cheap however long the ledger grows.
 */
export class AuthorityIndex {
  private readonly cache = new Map<string, Cached>();
  private readonly entries: ReturnType<typeof subjectFoldReader>;

  constructor(db: ReadableDB) {
    this.entries = subjectFoldReader(db, AUTHORITY_ACTIONS);
  }

  of(username: string): LedgeredAuthority | null {
    let cached = this.cache.get(username) ?? { seq: 0, leaf: '', state: null };
    // The entry last folded must still be there unchanged: a rolled-back transaction or a restored
    // database may reuse its seq for something else, and then everything is folded again.
    if (cached.seq > 0) {
      if (this.entries.leafAt(cached.seq) !== cached.leaf) cached = { seq: 0, leaf: '', state: null };
    }
    const rows = this.entries.after(`user:${username}`, cached.seq);
    let state = cached.state;
    for (const row of rows) state = fold(state, row);
    const last = rows.at(-1);
    this.cache.set(username, last ? { seq: last.seq, leaf: last.leaf_hash, state } : { ...cached, state });
    return state;
  }
}

function fingerprintOf(details: Record<string, unknown>): string | null {
  return typeof details.passwordFingerprint === 'string' ? details.passwordFingerprint : null;
}

function fold(state: LedgeredAuthority | null, row: Row): LedgeredAuthority | null {
  const details = JSON.parse(row.details) as Record<string, unknown>;
  switch (row.action) {
    case 'user.added':
      return {
        roles: ((details.roles as string[] | undefined) ?? []).filter(isRole).sort(),
        disabled: false,
        passwordFingerprint: fingerprintOf(details),
        // `station init`'s first administrator chose their own password; every other account's was chosen by an admin.
        mustChangePassword: row.actor !== 'system',
      };
  }
  if (!state) return null; // entries about a user the ledger never added back nothing
  switch (row.action) {
    case 'user.roles_changed':
      return { ...state, roles: ((details.to as string[] | undefined) ?? []).filter(isRole).sort() };
    case 'user.disabled':
      return { ...state, disabled: true };
    case 'user.enabled':
      return { ...state, disabled: false };
    case 'user.password_reset':
      return { ...state, passwordFingerprint: fingerprintOf(details), mustChangePassword: true };
    case 'user.password_changed':
      return { ...state, passwordFingerprint: fingerprintOf(details), mustChangePassword: false };
    case 'user.baseline':
      return { ...state, passwordFingerprint: fingerprintOf(details) };
    default:
      return state;
  }
}

export type AuthorityMismatch = { field: 'unknown' | 'roles' | 'disabled' | 'password'; row: string; ledger: string };

/** What differs between a users row and its ledgered authority, or null when the row is backed. */
export function compareAuthority(
  row: { roles: readonly string[]; disabled: boolean; passwordHash: string },
  ledgered: LedgeredAuthority | null,
): AuthorityMismatch | null {
  if (!ledgered) return { field: 'unknown', row: JSON.stringify([...row.roles].sort()), ledger: '-' };
  const rowRoles = JSON.stringify([...row.roles].sort());
  const ledgerRoles = JSON.stringify(ledgered.roles);
  if (rowRoles !== ledgerRoles) return { field: 'roles', row: rowRoles, ledger: ledgerRoles };
  if (row.disabled !== ledgered.disabled) return { field: 'disabled', row: String(row.disabled), ledger: String(ledgered.disabled) };
  if (ledgered.passwordFingerprint !== null) {
    const fp = passwordFingerprint(row.passwordHash);
    if (fp !== ledgered.passwordFingerprint) return { field: 'password', row: fp, ledger: ledgered.passwordFingerprint };
  }
  return null;
}
