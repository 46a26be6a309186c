import crypto from 'node:crypto';
import { StationError } from '../errors.ts';
import { canonicalJson } from './canonicalJson.ts';

/** What one ledger entry says; its canonical JSON is the leaf the Merkle tree commits to. */
export type LedgerEntryContent = {
  seq: number;
  /** ISO 8601 UTC, as Date.prototype.toISOString writes it. */
  time: string;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
  /** Hex leaf hash of the previous entry; 64 zeros for the first. */
  prev: string;
};

// RFC 6962 §2.1 domain separation: a leaf can never be passed off as an interior node.
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
const HEX32 = /^[0-9a-f]{64}$/;

/**
 * The exact bytes that are hashed for an entry. Only the seven content fields are taken, so a
 * database row or an entry decorated with its own leafHash hashes the same as the bare content.
 * Throws if a field holds something canonical JSON cannot represent.
 */
export function entryBytes(e: LedgerEntryContent): Buffer {
  const content = {
    seq: e.seq,
    time: e.time,
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    details: e.details,
    prev: e.prev,
  };
  return Buffer.from(canonicalJson(content), 'utf8');
}

/**
 * entryBytes as text, for callers that already hold the details as canonical JSON (the append path has just made it;
 * the verifier has just checked that the stored text is canonical): the seven keys in code-unit order (action, actor,
 * details, prev, seq, subject, time), strings and the number written as JSON.stringify writes them, which is what
 * canonicalJson writes for a string or a safe integer. Re-encoding the whole entry through canonicalJson cost a fifth
 * of an append and most of a verified entry (issue 16); entryHash.test.ts holds this to entryBytes byte for byte.
 * The fields must be strings and seq a safe integer — callers check that before, since JSON.stringify would write
 * other values differently from canonicalJson (or not at all).
 */
export function entryText(e: Omit<LedgerEntryContent, 'details'>, canonicalDetails: string): string {
  return `{"action":${JSON.stringify(e.action)},"actor":${JSON.stringify(e.actor)},"details":${canonicalDetails},"prev":${JSON.stringify(e.prev)},"seq":${e.seq},"subject":${JSON.stringify(e.subject)},"time":${JSON.stringify(e.time)}}`;
}

/** leafHash of entryText: U+0000 is the single byte 0x00 in UTF-8, the RFC 6962 leaf prefix. One hash call, no copies. */
export function leafHashOfText(text: string): Buffer {
  return crypto.hash('sha256', `\u0000${text}`, 'buffer');
}

/**
 * leafHashOfText as the hex the table stores, for the verifiers, which compare it with the stored text. A digest
 * handed back as text costs a third of one handed back as a new Buffer (0.47 against 1.5 µs with the hex of it, most
 * of a million-entry verify's hashing), and the hex is what they compare and chain anyway.
 */
export function leafHashHexOfText(text: string): string {
  return crypto.hash('sha256', `\u0000${text}`, 'hex');
}

/**
 * Checks that content read from somewhere untrusted (a proof bundle, a disc) has the shape
 * the station writes. Hashing does not require this — entryBytes hashes whatever it is
 * given — but a verifier should not report "proven" for an entry with seq 1.5 or time "soon".
 */
export function validateEntryContent(e: unknown): asserts e is LedgerEntryContent {
  const bad = (field: string): never => {
    throw new StationError('input', 'ledger.entry_invalid', { field });
  };
  if (typeof e !== 'object' || e === null || Array.isArray(e)) bad('entry');
  const o = e as Record<string, unknown>;
  if (typeof o.seq !== 'number' || !Number.isSafeInteger(o.seq) || o.seq < 1) bad('seq');
  if (typeof o.time !== 'string' || !ISO_UTC.test(o.time) || Number.isNaN(Date.parse(o.time))) bad('time');
  for (const f of ['actor', 'action', 'subject'] as const) if (typeof o[f] !== 'string') bad(f);
  if (typeof o.details !== 'object' || o.details === null || Array.isArray(o.details)) bad('details');
  if (typeof o.prev !== 'string' || !HEX32.test(o.prev)) bad('prev');
  try {
    canonicalJson(o.details);
  } catch {
    bad('details');
  }
}

/** RFC 6962 leaf hash: SHA-256(0x00 ‖ bytes). */
export function leafHash(bytes: Uint8Array): Buffer {
  return crypto.createHash('sha256').update(LEAF_PREFIX).update(bytes).digest();
}

/** RFC 6962 interior node hash: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return crypto.createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** Convenience for the common case: the leaf hash of an entry's content. */
export function entryLeafHash(e: LedgerEntryContent): Buffer {
  return leafHash(entryBytes(e));
}
