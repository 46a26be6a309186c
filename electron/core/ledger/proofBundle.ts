import { isStationError } from '../errors.ts';
import { parseVerifierKey, verifyCheckpoint } from './checkpoint.ts';
import type { Checkpoint } from './checkpoint.ts';
import { entryLeafHash, validateEntryContent } from './entryHash.ts';
import type { LedgerEntryContent } from './entryHash.ts';
import { verifyInclusion } from './merkle.ts';

// A proof bundle travels on a disc next to the evidence it describes: everything needed to show,
// offline and years later, that these ledger entries are in the log the station signed. It is
// plain JSON so that it can be checked without this program (see README.md, Architecture: "The ledger").

export type ProofBundleEntry = {
  seq: number;
  entry: LedgerEntryContent;
  /** Hex leaf hash of the entry; redundant with `entry`, kept so a reader can match it by eye. */
  leafHash: string;
  /** Hex inclusion proof of leaf seq-1 in the checkpoint's tree. */
  proof: string[];
};

export type ProofBundle = {
  /** Signed note text of a C2SP tlog-checkpoint. */
  checkpoint: string;
  /** Note verifier key (`name+keyid+base64`) that signed the checkpoint. */
  verifierKey: string;
  entries: ProofBundleEntry[];
};

export type ProofBundleResult =
  | {
      ok: true;
      origin: string;
      size: number;
      /** Hex root hash of the checkpoint. */
      root: string;
      keyName: string;
      /**
       * True when the checkpoint was checked against a key supplied by the caller. When false,
       * only the bundle's own key vouches for it: anyone can make a self-consistent bundle, so
       * the verifier key must then be compared with the one printed at setup.
       */
      keyTrusted: boolean;
    }
  | { ok: false; reason: string; seq?: number; detail?: string };

/** Assembles a bundle from entries and their inclusion proofs in the checkpoint's tree. */
export function makeProofBundle(
  checkpoint: string,
  verifierKey: string,
  items: readonly { entry: LedgerEntryContent; proof: readonly Uint8Array[] }[],
): ProofBundle {
  return {
    checkpoint,
    verifierKey,
    entries: items.map(({ entry, proof }) => ({
      seq: entry.seq,
      entry,
      leafHash: entryLeafHash(entry).toString('hex'),
      proof: proof.map((p) => Buffer.from(p).toString('hex')),
    })),
  };
}

const HEX32 = /^[0-9a-f]{64}$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a bundle read from anywhere: the checkpoint's signature (against `publicKey` when
 * given, else against the bundle's own verifier key), each entry's leaf hash recomputed from
 * its content, each inclusion proof against the signed root, and the hash chain between any
 * consecutive entries present. Never throws; the first failure is reported with its seq.
 */
export function verifyProofBundle(bundle: unknown, options: { publicKey?: Uint8Array } = {}): ProofBundleResult {
  const fail = (reason: string, extra: { seq?: number; detail?: string | undefined } = {}): ProofBundleResult => {
    const result: ProofBundleResult = { ok: false, reason };
    if (extra.seq !== undefined) result.seq = extra.seq;
    if (extra.detail !== undefined) result.detail = extra.detail;
    return result;
  };
  try {
    if (!isRecord(bundle) || typeof bundle.checkpoint !== 'string' || typeof bundle.verifierKey !== 'string' || !Array.isArray(bundle.entries)) {
      return fail('malformed_bundle');
    }

    let vkey;
    try {
      vkey = parseVerifierKey(bundle.verifierKey);
    } catch (e) {
      return fail('verifier_key_invalid', { detail: reasonOf(e) });
    }
    const trusted = options.publicKey !== undefined;
    if (trusted && Buffer.compare(Buffer.from(options.publicKey as Uint8Array), vkey.publicKey) !== 0) {
      return fail('verifier_key_mismatch');
    }

    let cp: Checkpoint;
    try {
      cp = verifyCheckpoint(bundle.checkpoint, vkey.publicKey, vkey.keyName);
    } catch (e) {
      return fail('checkpoint_invalid', { detail: reasonOf(e) });
    }

    const leafBySeq = new Map<number, string>();
    for (const item of bundle.entries as unknown[]) {
      if (!isRecord(item) || typeof item.seq !== 'number' || !Number.isSafeInteger(item.seq)) return fail('entry_malformed');
      const seq = item.seq;
      try {
        validateEntryContent(item.entry);
      } catch (e) {
        return fail('entry_invalid', { seq, detail: isStationError(e) ? String(e.params.field) : undefined });
      }
      const entry = item.entry;
      if (entry.seq !== seq) return fail('seq_mismatch', { seq });
      if (seq > cp.size) return fail('entry_beyond_checkpoint', { seq });
      const leaf = entryLeafHash(entry);
      if (typeof item.leafHash !== 'string' || item.leafHash !== leaf.toString('hex')) return fail('leaf_hash_mismatch', { seq });
      if (!Array.isArray(item.proof) || !item.proof.every((p) => typeof p === 'string' && HEX32.test(p))) {
        return fail('proof_malformed', { seq });
      }
      const proof = (item.proof as string[]).map((p) => Buffer.from(p, 'hex'));
      if (!verifyInclusion(leaf, seq - 1, cp.size, proof, cp.root)) return fail('inclusion_failed', { seq });
      leafBySeq.set(seq, leaf.toString('hex'));
    }
    // Inclusion already proves each entry; the chain check catches a station bug that wrote a
    // wrong prev, which inclusion alone would happily prove.
    for (const item of bundle.entries as { seq: number; entry: LedgerEntryContent }[]) {
      const before = leafBySeq.get(item.seq - 1);
      if (before !== undefined && item.entry.prev !== before) return fail('chain_broken', { seq: item.seq });
      if (item.seq === 1 && item.entry.prev !== '0'.repeat(64)) return fail('chain_broken', { seq: 1 });
    }

    return { ok: true, origin: cp.origin, size: cp.size, root: cp.root.toString('hex'), keyName: vkey.keyName, keyTrusted: trusted };
  } catch (e) {
    // Hostile JSON (getters, proxies) must still yield an answer, not a crash.
    return fail('malformed_bundle', { detail: reasonOf(e) });
  }
}

function reasonOf(e: unknown): string | undefined {
  if (!isStationError(e)) return undefined;
  const r = e.params.reason;
  return typeof r === 'string' ? r : e.code;
}
