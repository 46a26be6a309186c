// Substring search over the trigram index (recording_search, migration 0015) at a million recordings (issue 16,
// target 6). FTS5 answers a phrase of trigrams by walking the doclist of every trigram in it; recorder file names are
// mostly digits, so a typed fragment such as "3000017_100017_202401" holds trigrams ("000", "_20", "202") that are in
// every row, and the phrase walked a million-entry doclist several times over (p95 ~100–150 ms at 1,000,000, growing
// with the catalogue). Here the index is asked only for the few rarest trigrams of the text (AND, no positions), and
// the candidates it returns are checked against the typed text in code, folded exactly as the trigram tokenizer folds
// (the fold is read off SQLite's own tokenizer, never guessed), so the rows found are the rows the phrase finds.
// Where no trigram of the text is rare enough to pay, the phrase is asked as before.
import Database from 'better-sqlite3';
import type { ReadableDB } from '../db/database.ts';

/** Which columns of recording_search a search looks in: all three, or only the file name (a 案号 in the name). */
export type SearchColumns = 'all' | 'name';

/** More candidates than this and checking them in code costs more than the phrase: the phrase is asked instead. */
const MAX_CANDIDATES = 20_000;
/** A trigram in more than this share of the rows costs a long doclist walk and selects little: never asked. */
const COMMON_SHARE = 0.15;
/** More trigrams than this (beyond the first stretch) add little selectivity and one doclist walk each. */
const MAX_TRIGRAMS = 6;
/** The sample the rarity estimate comes from: WINDOWS runs of WINDOW consecutive rows, spread over the table (short runs:
 * neighbouring rows share their day, officer and dock, and would make those look common). */
const WINDOWS = 256;
const WINDOW = 8;
/** The estimate is taken again when the table grew by a quarter, or after this long. */
const SAMPLE_MAX_AGE_MS = 10 * 60_000;

/**
 * FTS5's trigram tokenizer (case_sensitive 0, remove_diacritics 0, as migration 0015 creates it) folds each code point
 * by sqlite3Fts5UnicodeFold. The check in code must fold exactly so, or it would find other rows than the index: each
 * code point's fold is read once from the tokenizer itself (an in-memory FTS5 table and its fts5vocab instance view).
 */
/** Text of U+0001–U+007F only. */
function asciiOnly(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || c > 0x7f) return false;
  }
  return true;
}

class TokenizerFold {
  private readonly known = new Map<number, string>();
  /** The folds of U+0001–U+007F, read off the tokenizer like every other (ascii[0] stays unknown: NUL ends a text). */
  private readonly ascii: (string | undefined)[] = [];
  private asciiIsLower = false;
  private probe: { insert: Database.Statement; clear: Database.Statement; terms: Database.Statement } | null = null;

  /** The text as the tokenizer sees it, or null when a code point could not be read off (then only the index decides). */
  fold(text: string): string | null {
    if (this.ascii.length === 0) {
      this.learn(Array.from({ length: 127 }, (_, i) => i + 1));
      for (let cp = 0; cp < 128; cp++) this.ascii.push(this.known.get(cp));
      // Most text searched is file names: when the tokenizer folds ASCII as toLowerCase does (A–Z, nothing else),
      // such text is folded by toLowerCase, much faster than code point by code point.
      this.asciiIsLower = this.ascii.every((f, cp) => cp === 0 || f === String.fromCharCode(cp).toLowerCase());
    }
    if (this.asciiIsLower && asciiOnly(text)) return text.toLowerCase();
    let unknown: Set<number> | null = null;
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (cp >= 0x80 && !this.known.has(cp)) (unknown ??= new Set()).add(cp);
    }
    if (unknown) this.learn([...unknown]);
    let out = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      const f = cp < 0x80 ? this.ascii[cp] : this.known.get(cp);
      if (f === undefined) return null;
      out += f;
    }
    return out;
  }

  private learn(cps: number[]): void {
    if (!this.probe) {
      const db = new Database(':memory:');
      db.exec("CREATE VIRTUAL TABLE probe USING fts5(x, tokenize = 'trigram'); CREATE VIRTUAL TABLE probe_terms USING fts5vocab(probe, 'instance');");
      this.probe = {
        insert: db.prepare('INSERT INTO probe (rowid, x) VALUES (1, ?)'),
        clear: db.prepare('DELETE FROM probe'),
        terms: db.prepare('SELECT term, offset FROM probe_terms'),
      };
    }
    // Each code point starts one trigram (two spaces after the last), whose first character is its fold.
    const p = this.probe;
    for (let i = 0; i < cps.length; i += 4096) {
      const batch = cps.slice(i, i + 4096);
      p.clear.run();
      p.insert.run(`${String.fromCodePoint(...batch)}  `);
      for (const { term, offset } of p.terms.all() as { term: string; offset: number }[]) {
        const first = [...term][0];
        const cp = batch[offset];
        if (cp !== undefined && first !== undefined) this.known.set(cp, first);
      }
    }
  }
}

const folder = new TokenizerFold();

/** The text as FTS5's trigram tokenizer folds it; null if some code point could not be learnt. */
export function trigramFold(text: string): string | null {
  return folder.fold(text);
}

type Sample = {
  maxRowid: number;
  takenAt: number;
  rows: number;
  /** How many sampled rows hold each trigram: in any column, in the name. */
  allCounts: Map<string, number>;
  nameCounts: Map<string, number>;
  /** The sampled rows' folded text: all columns (joined by a separator no phrase spans), and the name alone. */
  allTexts: string[];
  nameTexts: string[];
};
const samples = new WeakMap<ReadableDB, Sample>();

function trigramsOf(folded: string): Set<string> {
  const cps = [...folded];
  const out = new Set<string>();
  for (let i = 0; i + 3 <= cps.length; i++) out.add(cps[i]! + cps[i + 1]! + cps[i + 2]!);
  return out;
}

/**
 * Runs of rows spread over the table, folded: what the choice of trigrams to ask the index for is estimated from. Only
 * how fast a search is depends on it, never what it finds.
 */
function sample(db: ReadableDB): Sample {
  // Not MAX(rowid): FTS5 answers that by reading every row.
  const maxRowid = (db.prepare('SELECT rowid FROM recording_search ORDER BY rowid DESC LIMIT 1').pluck().get() as number | undefined) ?? 0;
  const cached = samples.get(db);
  if (cached && maxRowid <= cached.maxRowid * 1.25 + 1000 && Date.now() - cached.takenAt < SAMPLE_MAX_AGE_MS) return cached;
  // A rowid range of integers: FTS5 seeks to it, but walks the whole table for a bare lower bound (ORDER BY … LIMIT)
  // or for bounds bound as REAL — which is how better-sqlite3 binds every JavaScript number.
  const window = db.prepare('SELECT name, explanations, notes FROM recording_search WHERE rowid >= CAST(? AS INTEGER) AND rowid < CAST(? AS INTEGER)');
  const s: Sample = { maxRowid, takenAt: Date.now(), rows: 0, allCounts: new Map(), nameCounts: new Map(), allTexts: [], nameTexts: [] };
  const count = (m: Map<string, number>, text: string) => {
    for (const t of trigramsOf(text)) m.set(t, (m.get(t) ?? 0) + 1);
  };
  // A small table is read whole.
  const runs = maxRowid <= WINDOWS * WINDOW ? [[1, maxRowid + 1]] : Array.from({ length: WINDOWS }, (_, w) => Math.floor((maxRowid * w) / WINDOWS) + 1).map((from) => [from, from + WINDOW]);
  for (const [from, to] of runs) {
    for (const r of window.all(from, to) as { name: string; explanations: string; notes: string }[]) {
      const name = folder.fold(r.name) ?? '';
      const all = [name, folder.fold(r.explanations) ?? '', folder.fold(r.notes) ?? ''].join('\u0000\u0000');
      s.rows++;
      count(s.nameCounts, name);
      count(s.allCounts, all);
      s.nameTexts.push(name);
      s.allTexts.push(all);
    }
  }
  samples.set(db, s);
  return s;
}

/** An FTS5 phrase: the typed text as one quoted string, so no character of it is query syntax. */
export function ftsPhrase(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/**
 * The rowids of recording_search whose columns (all, or the name) contain `text` (three characters or more) as the
 * trigram phrase finds it — through the rarest trigrams and a check in code; or null when no trigram of it is rare
 * enough, and the caller asks the phrase itself.
 */
export function substringRowids(db: ReadableDB, text: string, columns: SearchColumns): number[] | null {
  const folded = folder.fold(text);
  if (folded === null) return null;
  const cps = [...text];
  const foldedCps = [...folded];
  // One trigram is one doclist either way.
  if (cps.length < 4 || foldedCps.length !== cps.length) return null;
  const s = sample(db);
  const counts = columns === 'name' ? s.nameCounts : s.allCounts;
  const sampled = Math.max(1, s.rows);
  const share = (i: number) => (counts.get(foldedCps[i]! + foldedCps[i + 1]! + foldedCps[i + 2]!) ?? 0) / sampled;
  // The stretches of the text whose every trigram is uncommon: each is asked as a phrase (its trigrams' doclists are
  // short, and their positions make it far more selective than the trigrams alone).
  const windows: { from: number; to: number }[] = [];
  for (let i = 0; i + 3 <= cps.length; i++) {
    if (share(i) > COMMON_SHARE) continue;
    const last = windows.at(-1);
    if (last && last.to === i + 2) last.to = i + 3;
    else windows.push({ from: i, to: i + 3 });
  }
  // Each trigram asked costs a walk of its doclist, and two adjacent ones as a phrase select nearly as well as the whole
  // stretch: of each stretch only its two adjacent trigrams with the fewest rows between them are asked.
  for (const w of windows) {
    if (w.to - w.from <= 4) continue;
    let best = w.from;
    for (let i = w.from + 1; i + 4 <= w.to; i++) if (share(i) + share(i + 1) < share(best) + share(best + 1)) best = i;
    w.from = best;
    w.to = best + 4;
  }
  // A stretch is in at most as many rows as its rarest trigram: what the stretches are ranked by.
  const rarest = (w: { from: number; to: number }) => Math.min(...Array.from({ length: w.to - w.from - 2 }, (_, k) => share(w.from + k)));
  windows.sort((a, b) => rarest(a) - rarest(b));
  const chosen: { from: number; to: number }[] = [];
  let trigrams = 0;
  for (const w of windows) {
    if (chosen.length > 0 && trigrams + (w.to - w.from - 2) > MAX_TRIGRAMS) continue;
    chosen.push(w);
    trigrams += w.to - w.from - 2;
  }
  if (chosen.length === 0) return null;
  // The candidates, estimated by the sampled rows holding every chosen stretch (half a row when none does), scaled to
  // the table. Not by the rarest trigram alone: in recorder names two adjacent trigrams select far more than either
  // ("017" is in 3 % of the rows, "0017_1" in one officer's), and that bound sent a quarter of the file-name searches
  // at a million recordings to the whole phrase (~60 ms) for nothing. 2,048 short texts: well under a millisecond.
  const stretches = chosen.map((w) => foldedCps.slice(w.from, w.to).join(''));
  let holding = 0;
  for (const t of columns === 'name' ? s.nameTexts : s.allTexts) if (stretches.every((x) => t.includes(x))) holding++;
  if ((Math.max(0.5, holding) / sampled) * s.maxRowid > MAX_CANDIDATES) return null;
  const prefix = columns === 'name' ? 'name : ' : '';
  const query = chosen.map((w) => `${prefix}${ftsPhrase(cps.slice(w.from, w.to).join(''))}`).join(' AND ');
  const candidates = db.prepare('SELECT rowid FROM recording_search WHERE recording_search MATCH ? LIMIT ?').pluck().all(query, MAX_CANDIDATES + 1) as number[];
  if (candidates.length > MAX_CANDIDATES) return null;
  if (candidates.length === 0) return [];
  const texts = db
    .prepare('SELECT rowid, name, explanations, notes FROM recording_search WHERE rowid IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(candidates)) as { rowid: number; name: string; explanations: string; notes: string }[];
  const phraseOne = db.prepare('SELECT 1 FROM recording_search WHERE recording_search MATCH ? AND rowid = ?').pluck();
  const out: number[] = [];
  for (const r of texts) {
    const cols = columns === 'name' ? [r.name] : [r.name, r.explanations, r.notes];
    // A phrase never spans two columns: each is checked on its own.
    let unknown = false;
    let hit = false;
    for (const c of cols) {
      const f = folder.fold(c);
      if (f === null) unknown = true;
      else if (f.includes(folded)) hit = true;
    }
    // A character the fold could not be learnt for (none is known): the index itself decides for that row.
    if (hit || (unknown && phraseOne.get(`${prefix}${ftsPhrase(text)}`, r.rowid) !== undefined)) out.push(r.rowid);
  }
  return out;
}
