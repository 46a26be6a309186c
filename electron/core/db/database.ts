import Database from 'better-sqlite3';
import { StationError } from '../errors.ts';

// Branded handles say what a holder may do (after Signal Desktop): only services that change
// state receive a WritableDB; readers get a ReadableDB and the type system keeps them honest.
declare const readable: unique symbol;
declare const writable: unique symbol;
export type ReadableDB = Database.Database & { readonly [readable]: true };
export type WritableDB = ReadableDB & { readonly [writable]: true };

export function openDatabase(path: string, options: { create: boolean }): WritableDB {
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: !options.create });
  } catch (e) {
    throw new StationError('state', 'station.database_unreadable', { path }, { cause: e });
  }
  db.pragma('journal_mode = WAL');
  // better-sqlite3 leaves WAL at NORMAL; an evidence ledger must survive power loss (README.md, Architecture).
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Shredded keys must not linger in free pages.
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  return db as WritableDB;
}

/** Runs fn in one synchronous transaction; any throw rolls everything back. */
export function inTransaction<T>(db: WritableDB, fn: () => T): T {
  return db.transaction(fn).immediate();
}
