// The search part of the recordings catalogue (issue 14 item 15): 案号, custodian and free text over
// file names, explanations and case-link notes, each answered from an index (migration 0015), so a
// search stays fast on a catalogue of hundreds of thousands of recordings.
import type { ReadableDB } from '../db/database.ts';

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
  const rows = db.prepare('SELECT id, case_number FROM cases').all() as { id: string; case_number: string }[];
  return rows.filter((c) => normalizeCaseNumber(c.case_number).includes(wanted)).map((c) => c.id);
}

/** Recordings linked now (not unlinked) to any of these cases, or whose file name carried a matching 案号. */
function linkedTo(caseIds: string[]): string {
  const list = caseIds.map(() => '?').join(', ');
  return caseIds.length === 0 ? '0' : `r.id IN (SELECT l.recording_id FROM case_links l WHERE l.case_id IN (${list}) AND l.unlinked_at IS NULL)`;
}

/** An FTS5 phrase: the typed text as one quoted string, so no character of it is query syntax. */
function phrase(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
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
    const inName = [...caseNumber].length >= 3 ? 'r.number IN (SELECT rowid FROM recording_search WHERE recording_search MATCH ?)' : null;
    where.push(`(${[linkedTo(ids), inName].filter(Boolean).join(' OR ')})`);
    args.push(...ids, ...(inName ? [`name : ${phrase(caseNumber)}`] : []));
  }
  const text = f.text?.trim();
  if (text) {
    // Trigram FTS finds three characters or more through the index; shorter text is looked up in
    // the search table's own columns (still not a scan of the catalogue rows).
    const fts =
      [...text].length >= 3
        ? 'r.number IN (SELECT rowid FROM recording_search WHERE recording_search MATCH ?)'
        : "r.number IN (SELECT rowid FROM recording_search WHERE name LIKE ? ESCAPE '\\' OR explanations LIKE ? ESCAPE '\\' OR notes LIKE ? ESCAPE '\\')";
    const ftsArgs = [...text].length >= 3 ? [phrase(text)] : [likePattern(text), likePattern(text), likePattern(text)];
    const ids = casesMatching(db, text);
    where.push(`(${fts}${ids.length > 0 ? ` OR ${linkedTo(ids)}` : ''})`);
    args.push(...ftsArgs, ...(ids.length > 0 ? ids : []));
  }
  return { where, args };
}
