import crypto from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { StationError } from '../errors.ts';
import { isValidKeyName, rawPublicKey } from '../ledger/checkpoint.ts';

// Witness cosignatures in the c2sp.org/tlog-cosignature format (cosignature/v1, Ed25519), and
// the c2sp.org/tlog-witness add-checkpoint request body. Shared by the central witness
// (electron/central) and the station's client, so that both speak exactly one spelling.

/** Signature type byte of an Ed25519 cosigner key (tlog-cosignature §Format); 0x01 is a log's own key. */
const COSIGNATURE_TYPE = 0x04;
const EM_DASH_PREFIX = '\u2014 ';
/** tlog-witness: a client must not send more than 63 proof lines (a proof of a 2^63-leaf tree). */
export const MAX_PROOF_LINES = 63;
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeBase64(s: string): Buffer | null {
  if (!STD_BASE64.test(s)) return null;
  const b = Buffer.from(s, 'base64');
  return b.toString('base64') === s ? b : null;
}

function witnessKeyError(reason: string): StationError {
  return new StationError('input', 'witness.key_invalid', { reason });
}

/** SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[:4]. */
export function cosignerKeyId(name: string, publicKeyRaw: Uint8Array): Buffer {
  if (!isValidKeyName(name)) throw witnessKeyError('key_name');
  if (!(publicKeyRaw instanceof Uint8Array) || publicKeyRaw.length !== 32) throw witnessKeyError('public_key_length');
  return crypto.createHash('sha256').update(`${name}\n`, 'utf8').update(Buffer.from([COSIGNATURE_TYPE])).update(publicKeyRaw).digest().subarray(0, 4);
}

/** The cosigner's verifier key `<name>+<hex id>+<base64(0x04 ‖ key)>`, as a station records it at enrolment. */
export function cosignerVerifierKey(name: string, publicKeyRaw: Uint8Array): string {
  const id = cosignerKeyId(name, publicKeyRaw);
  return `${name}+${id.toString('hex')}+${Buffer.concat([Buffer.from([COSIGNATURE_TYPE]), publicKeyRaw]).toString('base64')}`;
}

export type CosignerKey = { name: string; keyId: Buffer; publicKey: Buffer; vkey: string };

export function parseCosignerVerifierKey(vkey: string): CosignerKey {
  if (typeof vkey !== 'string') throw witnessKeyError('not_text');
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) throw witnessKeyError('format');
  const name = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second);
  const material = decodeBase64(vkey.slice(second + 1));
  if (!isValidKeyName(name)) throw witnessKeyError('key_name');
  if (!material || material.length !== 33) throw witnessKeyError('public_key_length');
  // A log key (0x01) given where a witness key belongs would never match a cosignature.
  if (material[0] !== COSIGNATURE_TYPE) throw witnessKeyError('not_cosignature_key');
  const publicKey = material.subarray(1);
  const keyId = cosignerKeyId(name, publicKey);
  if (keyId.toString('hex') !== idHex) throw witnessKeyError('key_id_mismatch');
  return { name, keyId, publicKey, vkey };
}

/** The exact bytes a cosignature/v1 signs: header line, time line, then the checkpoint body. */
export function cosignedMessage(checkpointBody: string, timestamp: number): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${checkpointBody}`, 'utf8');
}

/** One note signature line (with its newline) cosigning `checkpointBody` at `timestamp` (POSIX seconds). */
export function cosign(checkpointBody: string, timestamp: number, privateKey: KeyObject, name: string): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new StationError('input', 'witness.bad_time', { timestamp });
  const id = cosignerKeyId(name, rawPublicKey(privateKey));
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(BigInt(timestamp));
  const sig = crypto.sign(null, cosignedMessage(checkpointBody, timestamp), privateKey);
  return `${EM_DASH_PREFIX}${name} ${Buffer.concat([id, ts, sig]).toString('base64')}\n`;
}

/**
 * Finds and checks the cosignature of `key` among note signature lines (a witness response, or
 * the signature block of a cosigned checkpoint). Lines of other keys are ignored, as the
 * signed-note rules require; a line of this key that fails to verify is an error, not a miss.
 * Returns the cosignature's timestamp and line, or null when the key did not cosign.
 */
export function findCosignature(checkpointBody: string, signatureLines: string, key: CosignerKey): { timestamp: number; line: string } | null {
  for (const line of signatureLines.split('\n')) {
    if (line === '') continue;
    if (!line.startsWith(EM_DASH_PREFIX)) throw new StationError('verify', 'witness.cosignature_invalid', { reason: 'line' });
    const rest = line.slice(EM_DASH_PREFIX.length);
    const space = rest.indexOf(' ');
    const blob = space < 0 ? null : decodeBase64(rest.slice(space + 1));
    if (!blob || blob.length < 4) throw new StationError('verify', 'witness.cosignature_invalid', { reason: 'line' });
    if (rest.slice(0, space) !== key.name || !blob.subarray(0, 4).equals(key.keyId)) continue;
    if (blob.length !== 4 + 8 + 64) throw new StationError('verify', 'witness.cosignature_invalid', { reason: 'length' });
    const ts = blob.readBigUInt64BE(4);
    if (ts > BigInt(Number.MAX_SAFE_INTEGER)) throw new StationError('verify', 'witness.cosignature_invalid', { reason: 'time' });
    const timestamp = Number(ts);
    let ok: boolean;
    try {
      const pub = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.publicKey.toString('base64url') }, format: 'jwk' });
      ok = crypto.verify(null, cosignedMessage(checkpointBody, timestamp), pub, blob.subarray(12));
    } catch {
      ok = false;
    }
    if (!ok) throw new StationError('verify', 'witness.cosignature_invalid', { reason: 'signature' });
    return { timestamp, line: `${line}\n` };
  }
  return null;
}

export type AddCheckpointRequest = { oldSize: number; proof: Buffer[]; note: string };

/** The add-checkpoint body: `old N`, one base64 hash per line, a blank line, the signed checkpoint. */
export function formatAddCheckpoint(req: AddCheckpointRequest): string {
  return `old ${req.oldSize}\n${req.proof.map((h) => `${h.toString('base64')}\n`).join('')}\n${req.note}`;
}

/** Parses an add-checkpoint body; throws witness.request_malformed with the reason (a 400). */
export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  const bad = (reason: string): never => {
    throw new StationError('input', 'witness.request_malformed', { reason });
  };
  const blank = body.indexOf('\n\n');
  if (blank < 0) return bad('no_blank_line');
  const head = body.slice(0, blank).split('\n');
  const note = body.slice(blank + 2);
  const m = /^old (0|[1-9][0-9]*)$/.exec(head[0] ?? '');
  if (!m) return bad('old_line');
  const oldSize = Number(m[1]);
  if (!Number.isSafeInteger(oldSize)) return bad('old_line');
  const lines = head.slice(1);
  if (lines.length > MAX_PROOF_LINES) return bad('proof_too_long');
  const proof = lines.map((l) => {
    const h = decodeBase64(l);
    return h && h.length === 32 ? h : bad('proof_line');
  });
  if (note.length === 0 || !note.endsWith('\n')) return bad('checkpoint');
  return { oldSize, proof, note };
}

/** The text of a signed note up to and including its last blank line's predecessor (the signed body). */
export function splitNote(note: string): { body: string; signatures: string } | null {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return null;
  return { body: note.slice(0, split + 1), signatures: note.slice(split + 2) };
}
