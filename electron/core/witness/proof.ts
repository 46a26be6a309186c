import { StationError } from '../errors.ts';
import { openNote, parseCheckpointBody, parseVerifierKey, type ParsedVerifierKey } from '../ledger/checkpoint.ts';
import { leafHash, validateEntryContent, entryBytes } from '../ledger/entryHash.ts';
import { verifyInclusion } from '../ledger/merkle.ts';
import { findCosignature, parseCosignerVerifierKey, splitNote, type CosignerKey } from './cosignature.ts';

// Offline proofs that name the witness: c2sp.org/tlog-proof files (one per exported recording:
// the ledger entry that recorded it, its inclusion proof, and the cosigned checkpoint) and
// c2sp.org/tlog-policy trust files (which station keys, which witnesses, what quorum) to check
// them against. The `extra` line carries the entry's canonical JSON, from which the verifier
// recomputes the leaf hash — so the extra data is never trusted, only hashed.

const HEADER = 'c2sp.org/tlog-proof@v1';
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function bad(reason: string): never {
  throw new StationError('verify', 'witness.proof_invalid', { reason });
}

export type TlogProof = { extra: Buffer | null; index: number; inclusion: Buffer[]; checkpoint: string };

export function formatTlogProof(p: TlogProof): string {
  const extra = p.extra ? `extra ${p.extra.toString('base64')}\n` : '';
  return `${HEADER}\n${extra}index ${p.index}\n${p.inclusion.map((h) => `${h.toString('base64')}\n`).join('')}\n${p.checkpoint}`;
}

export function parseTlogProof(text: string): TlogProof {
  if (typeof text !== 'string' || text.length > 1 << 20) bad('size');
  const blank = text.indexOf('\n\n');
  if (blank < 0) bad('format');
  const lines = text.slice(0, blank).split('\n');
  const checkpoint = text.slice(blank + 2);
  if (lines.shift() !== HEADER) bad('header');
  let extra: Buffer | null = null;
  if (lines[0]?.startsWith('extra ')) {
    const b64 = (lines.shift() as string).slice(6);
    if (!STD_BASE64.test(b64)) bad('extra');
    extra = Buffer.from(b64, 'base64');
  }
  const m = /^index (0|[1-9][0-9]*)$/.exec(lines.shift() ?? '');
  if (!m || !Number.isSafeInteger(Number(m[1]))) bad('index');
  if (lines.length > 63) bad('inclusion');
  const inclusion = lines.map((l) => {
    const h = STD_BASE64.test(l) ? Buffer.from(l, 'base64') : null;
    return h && h.length === 32 ? h : bad('inclusion');
  });
  return { extra, index: Number(m[1]), inclusion, checkpoint };
}

type Member = { kind: 'witness'; key: CosignerKey } | { kind: 'group'; k: number; members: string[] };
export type TrustPolicy = { logs: ParsedVerifierKey[]; names: Map<string, Member>; quorum: string };

/** Parses a c2sp.org/tlog-policy file: log, witness, group and exactly one quorum line. */
export function parsePolicy(text: string): TrustPolicy {
  const fail = (line: number, reason: string): never => {
    throw new StationError('input', 'witness.policy_invalid', { line, reason });
  };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) fail(0, 'characters');
  const logs: ParsedVerifierKey[] = [];
  const names = new Map<string, Member>();
  const used = new Set<string>();
  const keys = new Set<string>();
  let quorum: string | null = null;
  text.split('\n').forEach((raw, i) => {
    const n = i + 1;
    const words = raw.trim().split(/[ \t]+/).filter(Boolean);
    if (words.length === 0 || words[0]?.startsWith('#')) return;
    const [kw, ...rest] = words as [string, ...string[]];
    const wrap = <T>(fn: () => T): T => {
      try {
        return fn();
      } catch {
        return fail(n, 'vkey');
      }
    };
    if (kw === 'log') {
      if (rest.length < 1 || rest.length > 2) fail(n, 'log');
      const k = wrap(() => parseVerifierKey(rest[0] as string));
      if (keys.has(k.publicKey.toString('hex'))) fail(n, 'duplicate_key');
      keys.add(k.publicKey.toString('hex'));
      logs.push(k);
    } else if (kw === 'witness') {
      if (rest.length < 2 || rest.length > 3) fail(n, 'witness');
      const name = rest[0] as string;
      if (names.has(name) || name === 'none') fail(n, 'duplicate_name');
      const k = wrap(() => parseCosignerVerifierKey(rest[1] as string));
      if (keys.has(k.publicKey.toString('hex'))) fail(n, 'duplicate_key');
      keys.add(k.publicKey.toString('hex'));
      names.set(name, { kind: 'witness', key: k });
    } else if (kw === 'group') {
      const [name, threshold, ...members] = rest;
      if (!name || !threshold || members.length === 0 || names.has(name) || name === 'none') fail(n, 'group');
      for (const m of members) {
        if (!names.has(m) || used.has(m)) fail(n, 'group_member');
        used.add(m);
      }
      const k = threshold === 'all' ? members.length : threshold === 'any' ? 1 : /^[1-9][0-9]*$/.test(threshold as string) ? Number(threshold) : 0;
      if (k < 1 || k > members.length) fail(n, 'threshold');
      names.set(name as string, { kind: 'group', k, members });
    } else if (kw === 'quorum') {
      if (quorum !== null || rest.length !== 1) fail(n, 'quorum');
      if (rest[0] !== 'none' && !names.has(rest[0] as string)) fail(n, 'quorum');
      quorum = rest[0] as string;
    } else {
      fail(n, 'keyword');
    }
  });
  if (quorum === null) return fail(0, 'no_quorum');
  return { logs, names, quorum };
}

export type ProofVerdict = {
  origin: string;
  size: number;
  index: number;
  /** Policy names of the witnesses whose cosignatures verified. */
  cosigners: string[];
  quorumMet: boolean;
  /** The ledger entry carried in `extra`, when there is one (its hash is what the proof proves). */
  entry: Record<string, unknown> | null;
};

/**
 * Verifies a tlog-proof against a policy: a log of the policy signed the checkpoint, the entry
 * (from `extra`, or the leaf hash given) is at `index` of that tree, and which witnesses cosigned.
 * Throws witness.proof_invalid when the proof does not hold; reports the quorum separately so a
 * verifier can say "proven, but not witnessed as the policy requires".
 */
export function verifyTlogProof(text: string, policy: TrustPolicy, leaf?: Buffer): ProofVerdict {
  const p = parseTlogProof(text);
  const parts = splitNote(p.checkpoint);
  if (!parts) return bad('checkpoint');
  const origin = parts.body.split('\n')[0] as string;
  const log = policy.logs.find((l) => l.keyName === origin);
  if (!log) return bad('unknown_log');
  const cp = parseCheckpointBody(openNote(p.checkpoint, log.publicKey, log.keyName));
  let entry: Record<string, unknown> | null = null;
  let hash = leaf ?? null;
  if (p.extra) {
    try {
      entry = JSON.parse(p.extra.toString('utf8')) as Record<string, unknown>;
      validateEntryContent(entry);
    } catch {
      return bad('extra');
    }
    hash = leafHash(entryBytes(entry));
    if (leaf && !leaf.equals(hash)) bad('leaf_mismatch');
  }
  if (!hash) return bad('no_leaf');
  if (!verifyInclusion(hash, p.index, cp.size, p.inclusion, cp.root)) bad('inclusion');
  const cosigned = new Set<string>();
  for (const [name, m] of policy.names) {
    if (m.kind !== 'witness') continue;
    try {
      if (findCosignature(parts.body, parts.signatures, m.key)) cosigned.add(name);
    } catch {
      // A cosignature line that does not verify simply does not count towards the quorum.
    }
  }
  const met = (name: string): boolean => {
    if (name === 'none') return true;
    const m = policy.names.get(name);
    if (!m) return false;
    if (m.kind === 'witness') return cosigned.has(name);
    return m.members.filter(met).length >= m.k;
  };
  return { origin, size: cp.size, index: p.index, cosigners: [...cosigned], quorumMet: met(policy.quorum), entry };
}
