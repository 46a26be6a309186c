// The substring search through the rarest trigrams (textSearch.ts) must find exactly the rows the trigram phrase finds:
// compared here, query by query, with FTS5's own phrase over the same table, on text made to trip a fold that is not
// the tokenizer's (mixed case, letters with diacritics, Greek final sigma, the Kelvin sign, dotted İ, full-width
// letters, CJK) and LIKE's wildcards typed as text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { ReadableDB } from '../db/database.ts';
import { ftsPhrase, substringRowids, trigramFold } from './textSearch.ts';

const ROWS = 6000;
let db: Database.Database;

// A seeded generator: the same table every run.
let seed = 20261207;
function rand(n: number): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
}
const PIECES = ['DCIM', 'IMP', 'Mp4', 'mp4', 'ÄÖÜ', 'äöü', 'ΣΑΣ', 'σας', 'ς', '\u212A', 'k', 'İ', 'i', 'ＡＢＣ', 'ａｂｃ', '执法记录仪', '电量耗尽', '%', '_', '\\', '"', ' ', '/', 'XZCF2024'];

function randomText(): string {
  let s = '';
  const parts = 2 + rand(6);
  for (let i = 0; i < parts; i++) s += rand(3) === 0 ? String(rand(100000)).padStart(5, '0') : PIECES[rand(PIECES.length)]!;
  return s;
}

beforeAll(() => {
  db = new Database(':memory:');
  // As migration 0015 creates it.
  db.exec("CREATE VIRTUAL TABLE recording_search USING fts5(name, explanations, notes, tokenize = 'trigram')");
  const insert = db.prepare('INSERT INTO recording_search (rowid, name, explanations, notes) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= ROWS; i++) {
      // Recorder file names: digits, mostly the same few (so most trigrams are common), some text; now and then an explanation or a note.
      const name = `${3000000 + (i % 40)}_${100000 + (i % 40)}_2024${String(1 + (i % 12)).padStart(2, '0')}${String(i).padStart(6, '0')}_${randomText()}.MP4 DCIM/${3000000 + (i % 40)}`;
      insert.run(i, name, i % 7 === 0 ? randomText() : '', i % 11 === 0 ? randomText() : '');
    }
  })();
});

afterAll(() => db?.close());

function phrase(text: string, columns: 'all' | 'name'): number[] {
  return (db.prepare('SELECT rowid FROM recording_search WHERE recording_search MATCH ? ORDER BY rowid').pluck().all(`${columns === 'name' ? 'name : ' : ''}${ftsPhrase(text)}`) as number[]);
}

/** What people type: a piece of some row's text, its case changed here and there, or text of no row at all. */
function typed(): string {
  const row = db.prepare('SELECT name, explanations, notes FROM recording_search WHERE rowid = ?').get(1 + rand(ROWS)) as { name: string; explanations: string; notes: string };
  const source = [row.name, row.name, row.explanations, row.notes][rand(4)]!;
  const cps = [...source];
  if (cps.length < 4 || rand(8) === 0) return randomText();
  const from = rand(cps.length - 3);
  const piece = cps.slice(from, from + 4 + rand(Math.min(16, cps.length - from - 3)));
  return piece.map((c) => (rand(3) === 0 ? c.toUpperCase() : rand(3) === 0 ? c.toLowerCase() : c)).join('');
}

describe('substring search through the rarest trigrams', () => {
  it('folds as the trigram tokenizer does', () => {
    expect(trigramFold('AbC_%')).toBe('abc_%');
    expect(trigramFold('执法记录仪')).toBe('执法记录仪');
    // Whatever SQLite's fold makes of them, the same as a one-row table finds them.
    const pairs: [string, string][] = [['ÄÖÜ', 'äöü'], ['ΣΑΣ', 'σας'], ['ＡＢＣ', 'ａｂｃ'], ['\u212A\u212A\u212A', 'kkk'], ['İİİ', 'iii']];
    for (const [upper, lower] of pairs) {
      const one = new Database(':memory:');
      one.exec("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'trigram')");
      one.prepare('INSERT INTO t (x) VALUES (?)').run(upper);
      const found = one.prepare('SELECT count(*) FROM t WHERE t MATCH ?').pluck().get(ftsPhrase(lower)) === 1;
      one.close();
      expect(trigramFold(upper) === trigramFold(lower), `${upper} ${lower}`).toBe(found);
    }
  });

  it('finds exactly the rows the phrase finds, in every column and in the name alone', () => {
    let fast = 0;
    for (let q = 0; q < 600; q++) {
      const text = typed();
      if ([...text].length < 3) continue;
      for (const columns of ['all', 'name'] as const) {
        const got = substringRowids(db as unknown as ReadableDB, text, columns);
        if (got === null) continue;
        fast++;
        expect([...got].sort((a, b) => a - b), `${columns}: ${JSON.stringify(text)}`).toEqual(phrase(text, columns));
      }
    }
    // Most of these texts have a rare stretch, so the comparison above is of the new path, not of the fallback.
    expect(fast).toBeGreaterThan(300);
  });

  it('leaves to the phrase a text of one trigram, or whose every trigram is common', () => {
    expect(substringRowids(db as unknown as ReadableDB, 'IMP', 'all')).toBeNull();
    expect(substringRowids(db as unknown as ReadableDB, '2024', 'all')).toBeNull();
    expect(substringRowids(db as unknown as ReadableDB, 'DCIM/30000', 'name')).toBeNull();
  });
});
