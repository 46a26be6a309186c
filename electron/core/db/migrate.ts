import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StationError } from '../errors.ts';
import type { WritableDB } from './database.ts';

export type Migration = { version: number; name: string; sql: string };

const defaultDir = fileURLToPath(new URL('./migrations/', import.meta.url));

export function loadMigrations(dir: string = defaultDir): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => /^\d{4}-[a-z0-9-]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: readFileSync(`${dir}/${file}`, 'utf8'),
    }));
  migrations.forEach((m, i) => {
    if (i > 0 && m.version <= migrations[i - 1]!.version) throw new Error(`duplicate migration number ${m.version}-${m.name}`);
  });
  return migrations;
}

export function schemaVersion(db: WritableDB): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the schema up to date in one transaction. A database written by a newer station is
 * refused rather than guessed at: opening it with older code could corrupt evidence records.
 */
export function migrate(db: WritableDB, migrations: Migration[] = loadMigrations()): { from: number; to: number } {
  const from = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (from > latest) {
    throw new StationError('state', 'station.database_too_new', { found: from, supported: latest });
  }
  if (from === latest) return { from, to: latest };
  db.transaction(() => {
    for (const m of migrations.filter((x) => x.version > from)) db.exec(m.sql);
    db.pragma(`user_version = ${latest}`);
  }).immediate();
  return { from, to: latest };
}
