import crypto from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { StationError } from '../errors.ts';

// Signed tree heads in the C2SP formats (c2sp.org/tlog-checkpoint inside c2sp.org/signed-note),
// so a disc's checkpoint can be checked with any existing transparency-log tooling (e.g. Go's
// golang.org/x/mod/sumdb/note), not only with this station.

export type Checkpoint = { origin: string; size: number; root: Buffer };

const ED25519_TYPE = 0x01;
const EM_DASH_PREFIX = '\u2014 ';
// Spec: verifiers must accept at least 16 signatures; Go's reference rejects more than 100.
const MAX_SIGNATURES = 100;
const MAX_NOTE_CHARS = 1 << 20;
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// Characters below U+0020 other than newline are forbidden anywhere in a note.
// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f]/;

function invalid(reason: string): StationError {
  return new StationError('verify', 'ledger.checkpoint_invalid', { reason });
}

function keyError(reason: string): StationError {
  return new StationError('input', 'ledger.key_invalid', { reason });
}

/** Strict standard base64: rejects whitespace, missing padding and non-canonical trailing bits. */
function decodeBase64(s: string): Buffer | null {
  if (!STD_BASE64.test(s)) return null;
  const b = Buffer.from(s, 'base64');
  return b.toString('base64') === s ? b : null;
}

/** False for strings with lone surrogates, which have no UTF-8 encoding to sign. */
function isWellFormed(s: string): boolean {
  return !/\p{Cs}/u.test(s);
}

/** Key names: non-empty, no Unicode space, no '+', no control character (signed-note §Format). */
export function isValidKeyName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return typeof name === 'string' && name.length > 0 && !/[\s+\u0000-\u001f\u0085]/u.test(name) && isWellFormed(name);
}

function checkKeyName(keyName: string): void {
  if (!isValidKeyName(keyName)) throw keyError('key_name');
}

function checkRawPublicKey(pub: Uint8Array): void {
  if (!(pub instanceof Uint8Array) || pub.length !== 32) throw keyError('public_key_length');
}

// A KeyObject is immutable: its public half is worked out once (signing a checkpoint every N entries asked each time).
const rawOf = new WeakMap<KeyObject, Buffer>();

/** The 32-byte Ed25519 public key of a private or public KeyObject. */
export function rawPublicKey(key: KeyObject): Buffer {
  const known = rawOf.get(key);
  if (known) return Buffer.from(known);
  const raw = rawPublicKeyOf(key);
  rawOf.set(key, Buffer.from(raw));
  return raw;
}

function rawPublicKeyOf(key: KeyObject): Buffer {
  if (key.asymmetricKeyType !== 'ed25519') throw keyError('not_ed25519');
  const pub = key.type === 'private' ? crypto.createPublicKey(key) : key;
  const { x } = pub.export({ format: 'jwk' });
  if (typeof x !== 'string') throw keyError('not_ed25519');
  return Buffer.from(x, 'base64url');
}

// A ledger verify checks a signature every checkpointEvery entries (10,000 at a million) with one key: building the
// KeyObject from JWK and the key ID each time cost a quarter of each check (issue 16). One key is remembered, by value.
let lastPublicKey: { raw: Buffer; key: KeyObject } | null = null;

function publicKeyObject(raw: Uint8Array): KeyObject {
  if (lastPublicKey?.raw.equals(raw)) return lastPublicKey.key;
  const key = crypto.createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
    format: 'jwk',
  });
  lastPublicKey = { raw: Buffer.from(raw), key };
  return key;
}

function ed25519Verify(data: Buffer, publicKeyRaw: Uint8Array, sig: Uint8Array): boolean {
  try {
    return crypto.verify(null, data, publicKeyObject(publicKeyRaw), sig);
  } catch {
    // A 32-byte string that is not a valid curve point cannot have signed anything.
    return false;
  }
}

let lastKeyId: { name: string; raw: Buffer; id: Buffer } | null = null;

/** Signed-note key ID: first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key). */
export function keyId(keyName: string, publicKeyRaw: Uint8Array): Buffer {
  checkKeyName(keyName);
  checkRawPublicKey(publicKeyRaw);
  if (lastKeyId && lastKeyId.name === keyName && lastKeyId.raw.equals(publicKeyRaw)) return Buffer.from(lastKeyId.id);
  const id = computeKeyId(keyName, publicKeyRaw);
  lastKeyId = { name: keyName, raw: Buffer.from(publicKeyRaw), id: Buffer.from(id) };
  return id;
}

function computeKeyId(keyName: string, publicKeyRaw: Uint8Array): Buffer {
  return crypto
    .createHash('sha256')
    .update(`${keyName}\n`, 'utf8')
    .update(Buffer.from([ED25519_TYPE]))
    .update(publicKeyRaw)
    .digest()
    .subarray(0, 4);
}

/** The note verifier-key string `<name>+<hex key id>+<base64(0x01 ‖ public key)>`. */
export function verifierKey(keyName: string, publicKeyRaw: Uint8Array): string {
  const id = keyId(keyName, publicKeyRaw);
  const material = Buffer.concat([Buffer.from([ED25519_TYPE]), publicKeyRaw]).toString('base64');
  return `${keyName}+${id.toString('hex')}+${material}`;
}

export type ParsedVerifierKey = { keyName: string; keyId: Buffer; publicKey: Buffer };

/**
 * Parses and checks a verifier key: Ed25519 type, 32-byte key, and a key ID that matches the
 * name and key (a mismatch means the string was edited or mis-copied).
 */
export function parseVerifierKey(vkey: string): ParsedVerifierKey {
  const bad = (reason: string): never => {
    throw new StationError('input', 'ledger.verifier_key_invalid', { reason });
  };
  if (typeof vkey !== 'string') return bad('not_text');
  // The name cannot contain '+', but the base64 material can: split on the first two only.
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) return bad('format');
  const keyName = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second);
  const material = decodeBase64(vkey.slice(second + 1));
  if (!isValidKeyName(keyName)) return bad('key_name');
  if (!/^[0-9a-f]{8}$/.test(idHex)) return bad('key_id');
  if (!material) return bad('base64');
  if (material[0] !== ED25519_TYPE) return bad('unsupported_type');
  if (material.length !== 33) return bad('public_key_length');
  const publicKey = material.subarray(1);
  const id = keyId(keyName, publicKey);
  if (id.toString('hex') !== idHex) return bad('key_id_mismatch');
  return { keyName, keyId: id, publicKey };
}

/** Signs arbitrary note text (must end in a newline) and returns the full signed note. */
export function signNote(text: string, privateKey: KeyObject, keyName: string): string {
  checkKeyName(keyName);
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') throw keyError('not_ed25519_private');
  // Refuse to produce a note that no verifier (ours or Go's) would accept.
  if (!text.endsWith('\n') || text.includes('\n\n') || CONTROL_EXCEPT_NEWLINE.test(text) || !isWellFormed(text)) {
    throw invalid('text');
  }
  const signature = crypto.sign(null, Buffer.from(text, 'utf8'), privateKey);
  const id = keyId(keyName, rawPublicKey(privateKey));
  return `${text}\n${EM_DASH_PREFIX}${keyName} ${Buffer.concat([id, signature]).toString('base64')}\n`;
}

/**
 * Verifies a signed note against one trusted Ed25519 key and returns the signed text.
 * Follows c2sp.org/signed-note: signatures from other keys are ignored (they may be
 * witnesses or a rotated key), a failing signature from the trusted key rejects the note,
 * and a note without one is rejected. Throws StationError('verify', 'ledger.checkpoint_invalid').
 */
export function openNote(note: string, publicKeyRaw: Uint8Array, keyName: string): string {
  if (typeof note !== 'string') throw invalid('not_text');
  if (!isValidKeyName(keyName)) throw invalid('key_name');
  if (!(publicKeyRaw instanceof Uint8Array) || publicKeyRaw.length !== 32) throw invalid('public_key');
  if (note.length > MAX_NOTE_CHARS) throw invalid('too_large');
  if (!isWellFormed(note) || CONTROL_EXCEPT_NEWLINE.test(note)) throw invalid('characters');
  if (!note.endsWith('\n')) throw invalid('format');
  // The text ends at the last blank line; everything after it must be signature lines.
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw invalid('no_signatures');
  const text = note.slice(0, split + 1);
  const sigLines = note.slice(split + 2, -1).split('\n');
  if (sigLines.length === 1 && sigLines[0] === '') throw invalid('no_signatures');
  if (sigLines.length > MAX_SIGNATURES) throw invalid('too_many_signatures');

  const wantId = keyId(keyName, publicKeyRaw);
  const data = Buffer.from(text, 'utf8');
  let verified = false;
  for (const line of sigLines) {
    if (!line.startsWith(EM_DASH_PREFIX)) throw invalid('signature_line');
    const rest = line.slice(EM_DASH_PREFIX.length);
    const space = rest.indexOf(' ');
    if (space < 0) throw invalid('signature_line');
    const name = rest.slice(0, space);
    const blob = decodeBase64(rest.slice(space + 1));
    if (!isValidKeyName(name) || !blob || blob.length < 5) throw invalid('signature_line');
    if (name !== keyName || !blob.subarray(0, 4).equals(wantId)) continue;
    const sig = blob.subarray(4);
    if (sig.length !== 64 || !ed25519Verify(data, publicKeyRaw, sig)) throw invalid('bad_signature');
    verified = true;
  }
  if (!verified) throw invalid('unknown_key');
  return text;
}

/** The tlog-checkpoint note text: origin, decimal size, base64 root, each ending in a newline. */
export function formatCheckpointBody(cp: Checkpoint): string {
  const bad = (reason: string): never => {
    throw new StationError('input', 'ledger.checkpoint_fields_invalid', { reason });
  };
  if (typeof cp.origin !== 'string' || cp.origin.length === 0 || cp.origin.includes('\n') || CONTROL_EXCEPT_NEWLINE.test(cp.origin)) {
    return bad('origin');
  }
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) return bad('size');
  if (!(cp.root instanceof Uint8Array) || cp.root.length !== 32) return bad('root');
  return `${cp.origin}\n${cp.size}\n${Buffer.from(cp.root).toString('base64')}\n`;
}

/**
 * Parses a checkpoint body. Extension lines are refused: the station never writes them, and a
 * signed claim this verifier would silently ignore is better reported than accepted.
 */
export function parseCheckpointBody(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length !== 4 || lines[3] !== '') throw invalid(lines.length > 4 ? 'extension_lines' : 'body');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (origin.length === 0) throw invalid('origin');
  // Decimal without leading zeros, so that one size has exactly one signed spelling.
  if (!/^(?:0|[1-9][0-9]*)$/.test(sizeText)) throw invalid('size');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw invalid('size');
  const root = decodeBase64(rootText);
  if (!root || root.length !== 32) throw invalid('root');
  return { origin, size, root };
}

/** Formats and signs a checkpoint; returns the complete signed note text. */
export function signCheckpoint(cp: Checkpoint, privateKey: KeyObject, keyName: string): string {
  return signNote(formatCheckpointBody(cp), privateKey, keyName);
}

/**
 * Verifies a signed checkpoint against the station's public key (raw 32 bytes) and key name.
 * Throws StationError('verify', 'ledger.checkpoint_invalid', { reason }) on any defect.
 */
export function verifyCheckpoint(noteText: string, publicKey: Uint8Array, keyName: string): Checkpoint {
  return parseCheckpointBody(openNote(noteText, publicKey, keyName));
}
