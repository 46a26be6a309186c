import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { WritableDB } from './database.ts';
import { loadMigrations, migrate, schemaVersion } from './migrate.ts';

const memory = () => new Database(':memory:') as WritableDB;

describe('migrations', () => {
  it('only go up, and each applies on its own to the schema before it', () => {
    const all = loadMigrations();
    expect(all[0]!.version).toBe(1);
    for (let n = 1; n <= all.length; n++) {
      const db = memory();
      migrate(db, all.slice(0, n - 1));
      migrate(db, all.slice(0, n));
      expect(schemaVersion(db)).toBe(all[n - 1]!.version);
      db.close();
    }
  });

  it('0001 creates an append-only ledger', () => {
    const db = memory();
    migrate(db, loadMigrations().slice(0, 1));
    db.prepare("INSERT INTO ledger VALUES (1, 't', 'a', 'x', 's', '{}', 'p', 'l')").run();
    expect(() => db.prepare("UPDATE ledger SET actor = 'b'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM ledger').run()).toThrow(/append-only/);
    db.close();
  });

  it('is idempotent at the latest version', () => {
    const db = memory();
    migrate(db);
    expect(migrate(db)).toEqual({ from: schemaVersion(db), to: schemaVersion(db) });
  });

  it('refuses a database written by a newer station', () => {
    const db = memory();
    migrate(db);
    db.pragma(`user_version = ${loadMigrations().at(-1)!.version + 1}`);
    expect(() => migrate(db)).toThrow(expect.objectContaining({ code: 'station.database_too_new' }));
  });

  it('rolls back a failing upgrade entirely', () => {
    const db = memory();
    const broken = [...loadMigrations(), { version: 99, name: 'broken', sql: 'CREATE TABLE ok_table (x); THIS IS NOT SQL;' }];
    expect(() => migrate(db, broken)).toThrow();
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('ledger', 'ok_table')").all()).toEqual([]);
  });
});
