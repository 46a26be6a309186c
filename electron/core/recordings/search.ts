// The search part of the recordings catalogue (issue 14 item 15): 案号, custodian and free text over
// file names, explanations and case-link notes, each answered from an index (migration 0015), so a
// search stays fast on a catalogue of hundreds of thousands of recordings.
import type { ReadableDB } from '../db/database.ts';
import { caseNumbers, linkedNowToCases } from '../cases/caseReads.ts';
import { ftsPhrase, substringRowids, type SearchColumns } from './textSearch.ts';

export type SearchFilter = {
  /** Part of a case's 案号, as typed: brackets, spaces and dashes are ignored (〔2026〕118号 = 2026-118); a typed 号 ends the number (11号 is not 118号). */
  caseNumber?: string;
  /** Username of the custodian who ingested the recordings. */
  custodian?: string;
  /** Part of the file name or path, of an explanation, of a case-link note, or of a linked case's 案号. */
  text?: string;
};

export type Clauses = { where: string[]; args: unknown[] };

/** What people type for a 案号 differs in brackets, spaces and digit width, never in the characters that matter. */
export function normalizeCaseNumber(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\s〔〕[\]【】()（）{}<>《》「」'"‘’“”·・.,，、:：;；_\-—–~～/\\|]/gu, '')
    .toLowerCase();
}

/** Case ids whose 案号 contains the typed one; the cases table is small next to the catalogue. */
function casesMatching(db: ReadableDB, typed: string): string[] {
  const wanted = normalizeCaseNumber(typed);
  if (!wanted) return [];
  return caseNumbers(db)
    .filter((c) => normalizeCaseNumber(c.caseNumber).includes(wanted))
    .map((c) => c.id);
}

/** Recordings linked now (not unlinked) to any of these cases, or whose file name carried a matching 案号. */
function linkedTo(caseIds: string[]): string {
  return caseIds.length === 0 ? '0' : linkedNowToCases('r.id', caseIds.length);
}

/**
 * Recordings whose search row (all columns, or the file name) contains `text`, three characters or more: the rows the
 * trigram phrase finds, through its rarest trigrams where that is faster (textSearch.ts), else the phrase itself.
 */
function containing(db: ReadableDB, text: string, columns: SearchColumns): { sql: string; args: unknown[] } {
  const rowids = substringRowids(db, text, columns);
  if (rowids) return { sql: 'r.number IN (SELECT value FROM json_each(?))', args: [JSON.stringify(rowids)] };
  return { sql: 'r.number IN (SELECT rowid FROM recording_search WHERE recording_search MATCH ?)', args: [`${columns === 'name' ? 'name : ' : ''}${ftsPhrase(text)}`] };
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function searchClauses(db: ReadableDB, f: SearchFilter): Clauses {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.custodian) {
    where.push('r.ingested_by = ?');
    args.push(f.custodian);
  }
  const caseNumber = f.caseNumber?.trim();
  if (caseNumber) {
    const ids = casesMatching(db, caseNumber);
    // A 案号 the recorder wrote into the file name (name_case_number) is in the name column of the search table.
    const inName = [...caseNumber].length >= 3 ? containing(db, caseNumber, 'name') : null;
    where.push(`(${[linkedTo(ids), inName?.sql].filter(Boolean).join(' OR ')})`);
    args.push(...ids, ...(inName?.args ?? []));
  }
  const text = f.text?.trim();
  if (text) {
    // Trigram FTS finds three characters or more through the index; shorter text is looked up in
    // the search table's own columns (still not a scan of the catalogue rows).
    const long = [...text].length >= 3 ? containing(db, text, 'all') : null;
    const fts = long
      ? long.sql
      : "r.number IN (SELECT rowid FROM recording_search WHERE name LIKE ? ESCAPE '\\' OR explanations LIKE ? ESCAPE '\\' OR notes LIKE ? ESCAPE '\\')";
    const ftsArgs = long ? long.args : [likePattern(text), likePattern(text), likePattern(text)];
    const ids = casesMatching(db, text);
    where.push(`(${fts}${ids.length > 0 ? ` OR ${linkedTo(ids)}` : ''})`);
    args.push(...ftsArgs, ...(ids.length > 0 ? ids : []));
  }
  return { where, args };
}
