import { StationError } from '../errors.ts';
import { parseVerifierKey, type ParsedVerifierKey } from '../ledger/checkpoint.ts';
import { entryBytes, leafHash, type LedgerEntryContent } from '../ledger/entryHash.ts';
import { splitNote } from './cosignature.ts';
import type { WitnessClient } from './client.ts';
import { verifyTlogProof, type TrustPolicy } from './proof.ts';

// Proofs that name the witness, on exports and discs (issue 13 item 4): the newest checkpoint the
// enrolled witness cosigned (at or above the package's own checkpoint) and one c2sp.org/tlog-proof
// per recording. A package is never held back for the witness: when it cannot be reached the
// package is written without them and says so (MANIFEST.json "witness", README).

export const WITNESS_PATHS = { checkpoint: 'LEDGER/checkpoint.cosigned.txt', proofsDir: 'PROOFS' } as const;

export type ManifestWitness =
  // No size here: a disc restaged for a retry keeps the same manifest bytes (stage.ts) even when the
  // witness has cosigned a larger checkpoint since; the size is in the checkpoint file itself.
  | { witnessKey: string; cosigned: true; checkpoint: string; proofs: { recordingId: string; path: string }[] }
  | { witnessKey: string; cosigned: false };

export type PackageWitness = { manifest: ManifestWitness; files: { path: string; content: string }[] };

/** `FILES/0001_x.mp4` → `PROOFS/0001_x.mp4.tlog-proof`: named after the file it proves. */
export function proofPathFor(filePath: string): string {
  return `${WITNESS_PATHS.proofsDir}/${filePath.split('/').pop() as string}.tlog-proof`;
}

/**
 * What a package carries of the witness. Null when the station is not enrolled (the package is as
 * before). When the newest cosignature is older than the package's checkpoint, one submission is
 * tried first; offline, refused or alarmed, the package goes without (cosigned: false).
 */
export async function packageWitness(
  witness: Pick<WitnessClient, 'config' | 'lastCosigned' | 'sync' | 'entryProof'>,
  checkpointSize: number,
  recordings: { recordingId: string; ingestSeq: number; path: string }[],
): Promise<PackageWitness | null> {
  const cfg = witness.config();
  if (!cfg) return null;
  if ((witness.lastCosigned(cfg.vkey)?.size ?? 0) < checkpointSize) {
    try {
      await witness.sync();
    } catch {
      // Unreachable or refused: the package is still written, and says it carries no cosignature.
    }
  }
  const last = witness.lastCosigned(cfg.vkey);
  if (!last || last.size < checkpointSize) return { manifest: { witnessKey: cfg.vkey, cosigned: false }, files: [] };
  const files: { path: string; content: string }[] = [];
  const proofs: { recordingId: string; path: string }[] = [];
  let checkpoint = '';
  for (const r of recordings) {
    const p = witness.entryProof(r.ingestSeq);
    checkpoint = p.proof.slice(p.proof.indexOf('\n\n') + 2);
    const path = proofPathFor(r.path);
    files.push({ path, content: p.proof });
    proofs.push({ recordingId: r.recordingId, path });
  }
  files.push({ path: WITNESS_PATHS.checkpoint, content: checkpoint });
  return { manifest: { witnessKey: cfg.vkey, cosigned: true, checkpoint: WITNESS_PATHS.checkpoint, proofs }, files };
}

export type Cosigner = { name: string; keyId: string };

/** Names and key ids of the signature lines on a checkpoint other than the station's own. */
export function cosignersOf(note: string, station: ParsedVerifierKey): Cosigner[] {
  const parts = splitNote(note);
  if (!parts) return [];
  const out: Cosigner[] = [];
  for (const line of parts.signatures.split('\n')) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!m) continue;
    const sig = Buffer.from(m[2] as string, 'base64');
    if (sig.length < 4) continue;
    const keyId = sig.subarray(0, 4).toString('hex');
    if (m[1] === station.keyName && keyId === station.keyId.toString('hex')) continue;
    out.push({ name: m[1] as string, keyId });
  }
  return out;
}

export type WitnessCheck =
  | { state: 'none' }
  | { state: 'not_cosigned'; witnessKey: string }
  | {
      state: 'cosigned';
      witnessKey: string;
      size: number;
      proofs: number;
      /** Cosignature lines present on the checkpoint (checked only against a policy). */
      cosigners: Cosigner[];
      /** Null without a policy: nobody decided which witnesses to trust. */
      policy: { vouched: string[]; quorumMet: boolean } | null;
    };

export type WitnessFailure = { reason: 'witness_proof' | 'witness_quorum' | 'not_witnessed'; path: string; detail?: string };

/**
 * Checks what a package carries of the witness. `read` gives a file's bytes; `provenEntry` the
 * ledger entry the package's own proofs prove for an ingest seq. Every proof must prove exactly
 * that entry, under the station's key, in the cosigned checkpoint the package carries, which must
 * not be older than the package's checkpoint. With a policy: who vouched, and the quorum.
 */
export async function checkPackageWitness(
  manifest: { station: { verifierKey: string }; witness?: ManifestWitness; files: { recordingId: string; ingestSeq: number; path: string }[] },
  checkpointSize: number,
  read: (path: string) => Promise<Buffer | null>,
  provenEntry: (seq: number) => LedgerEntryContent | undefined,
  policy: TrustPolicy | null,
): Promise<{ ok: true; check: WitnessCheck } | ({ ok: false } & WitnessFailure)> {
  const w = manifest.witness;
  const fail = (reason: WitnessFailure['reason'], path: string, detail?: string) => ({ ok: false as const, reason, path, ...(detail === undefined ? {} : { detail }) });
  const stationKey = parseVerifierKey(manifest.station.verifierKey);
  if (policy && !policy.logs.some((l) => l.publicKey.equals(stationKey.publicKey) && l.keyName === stationKey.keyName)) {
    return fail('witness_proof', 'MANIFEST.json', 'unknown_log');
  }
  if (!w || !w.cosigned) {
    if (policy && policy.quorum !== 'none') return fail('not_witnessed', 'MANIFEST.json');
    return { ok: true, check: w ? { state: 'not_cosigned', witnessKey: w.witnessKey } : { state: 'none' } };
  }
  const cpBytes = await read(w.checkpoint);
  if (!cpBytes) return fail('witness_proof', w.checkpoint, 'missing');
  const checkpoint = cpBytes.toString('utf8');
  const logOnly: TrustPolicy = { logs: [stationKey], names: new Map(), quorum: 'none' };
  let verdict: { vouched: string[]; quorumMet: boolean } | null = null;
  let size = 0;
  const byRecording = new Map(manifest.files.map((f) => [f.recordingId, f]));
  if (w.proofs.length !== manifest.files.length) return fail('witness_proof', 'MANIFEST.json', 'proof_count');
  for (const p of w.proofs) {
    const file = byRecording.get(p.recordingId);
    const bytes = await read(p.path);
    if (!file || !bytes) return fail('witness_proof', p.path, 'missing');
    const text = bytes.toString('utf8');
    const entry = provenEntry(file.ingestSeq);
    if (!entry) return fail('witness_proof', p.path, 'not_in_ledger');
    try {
      const v = verifyTlogProof(text, policy ?? logOnly, leafHash(entryBytes(entry)));
      if (v.index !== file.ingestSeq - 1 || v.size < checkpointSize) return fail('witness_proof', p.path, 'size');
      size = v.size;
      if (text.slice(text.indexOf('\n\n') + 2) !== checkpoint) return fail('witness_proof', p.path, 'checkpoint differs');
      if (policy) verdict = { vouched: v.cosigners, quorumMet: v.quorumMet };
    } catch (e) {
      if (e instanceof StationError) return fail('witness_proof', p.path, String(e.params.reason ?? e.code));
      throw e;
    }
  }
  const cosigners = cosignersOf(checkpoint, stationKey);
  if (verdict && !verdict.quorumMet) return fail('witness_quorum', w.checkpoint, verdict.vouched.join(', ') || '—');
  return { ok: true, check: { state: 'cosigned', witnessKey: w.witnessKey, size, proofs: w.proofs.length, cosigners, policy: verdict } };
}

/** The package README's lines about the witness (the README is bilingual, like the whole package). */
export function witnessReadmeLines(w: PackageWitness | null): { witnessLine: string; witnessLineEn: string } {
  if (!w) return { witnessLine: '', witnessLineEn: '' };
  if (!w.manifest.cosigned) {
    return {
      witnessLine: `本副本未附中心见证服务的联署：生成时见证服务（${w.manifest.witnessKey}）无法联署本副本的检查点（网络不通或未答复），因此不含 PROOFS/ 目录。工作站自身的签名和审计日志证明照常有效。`,
      witnessLineEn: `This copy carries NO cosignature of the central witness: the witness (${w.manifest.witnessKey}) could not cosign its checkpoint when it was written (unreachable or no answer), so there is no PROOFS/ folder. The station's own signatures and ledger proofs are unaffected.`,
    };
  }
  return {
    witnessLine: `PROOFS/ 与 ${WITNESS_PATHS.checkpoint}：中心见证服务（${w.manifest.witnessKey}）联署的检查点及每个文件入库记录的 C2SP tlog-proof 证明。核对由哪些见证方担保：station disc verify <本目录> --policy <信任策略文件>。`,
    witnessLineEn: `PROOFS/ and ${WITNESS_PATHS.checkpoint}: the checkpoint cosigned by the central witness (${w.manifest.witnessKey}) and a C2SP tlog-proof of each file's ingest entry. To check which witnesses vouch: station disc verify <this folder> --policy <trust policy file>.`,
  };
}
